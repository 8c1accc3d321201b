/* dynlib.h — a shared library loaded when it is first needed.
 *
 * The kiosk links what every start needs; the libraries only one screen
 * uses (poppler for the PDF view, librime and zinnia for the keyboard)
 * and their C++ dependencies are opened with dlopen(3) when that screen
 * first needs them, so a start maps, relocates and keeps none of their
 * pages until then.  A caller names the symbols it uses in a table; each
 * is looked up once and written into the caller's function pointer.
 * glibc's dlopen does the work; this only turns its answers into Err. */
#ifndef COMMON_DYNLIB_H
#define COMMON_DYNLIB_H

#include <stddef.h>

#include "err.h"

/* One symbol: its name and where its address goes (the address of the
 * caller's function pointer, of whatever type). */
typedef struct DynSym {
    const char *name;
    void *slot;
} DynSym;

/* Opens soname (a library's run-time name, "librime.so.1") and fills
 * every slot of syms[0..n); *handle for dynlib_close.  -1 and Err naming
 * the library (and the Debian package, when given) or the missing symbol,
 * with nothing left open and no slot changed. */
int dynlib_open(const char *soname, const char *package, const DynSym *syms, size_t n, void **handle, Err *err);

/* Closes what dynlib_open opened; NULL is allowed.  Libraries that cannot
 * be unloaded (glib's type system marks itself so) stay mapped. */
void dynlib_close(void *handle);

#endif
