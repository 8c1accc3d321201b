/* test_renderer — which OpenGL renderer strings count as software
 * rasterisers (kiosk/ui/renderer.h).  The strings are those Mesa and the
 * common GPU drivers report as GL_RENDERER. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "renderer.h"

static void software_rasterisers_are_recognised(void **state)
{
    (void)state;
    static const char *const software[] = {
        "llvmpipe (LLVM 15.0.6, 256 bits)", "softpipe", "Software Rasterizer", "Mesa X11 swrast",
        "LLVMPIPE (LLVM 12.0.0, 128 bits)", NULL,
    };
    for (int i = 0; i < (int)(sizeof software / sizeof software[0]); i++)
        assert_true(renderer_gl_is_software(software[i]));
}

static void real_gpus_are_not(void **state)
{
    (void)state;
    static const char *const gpus[] = {
        "Mesa Intel(R) UHD Graphics 620 (KBL GT2)",
        "AMD Radeon Graphics (renoir, LLVM 15.0.6, DRM 3.49, 6.1.0-13-amd64)",
        "NVIDIA GeForce GT 1030/PCIe/SSE2",
        "Mali-G52 (Panfrost)",
        "V3D 4.2",
    };
    for (size_t i = 0; i < sizeof gpus / sizeof gpus[0]; i++) assert_false(renderer_gl_is_software(gpus[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(software_rasterisers_are_recognised),
        cmocka_unit_test(real_gpus_are_not),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
