/* dynlib.c — see dynlib.h. */
#include "dynlib.h"

#include <dlfcn.h>
#include <string.h>

int dynlib_open(const char *soname, const char *package, const DynSym *syms, size_t n, void **handle, Err *err)
{
    void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        return err_set(err, "cannot load %s%s%s%s: %s", soname, package ? " (Debian package " : "",
                       package ? package : "", package ? ")" : "", dlerror());
    }
    void *found[n ? n : 1];
    for (size_t i = 0; i < n; i++) {
        dlerror();
        found[i] = dlsym(lib, syms[i].name);
        const char *why = dlerror();
        if (why || !found[i]) {
            dlclose(lib);
            return err_set(err, "%s has no %s: %s", soname, syms[i].name, why ? why : "the symbol is NULL");
        }
    }
    /* POSIX's way from dlsym's void * to a function pointer: copy the
     * bytes (ISO C has no cast between the two). */
    for (size_t i = 0; i < n; i++) memcpy(syms[i].slot, &found[i], sizeof found[i]);
    *handle = lib;
    return 0;
}

void dynlib_close(void *handle)
{
    if (handle) dlclose(handle);
}
