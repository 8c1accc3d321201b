/* fuzz_config.c — kiosk.conf (kiosk/config/config.c, on inih) on any
 * bytes: a file is read whole or refused with "PATH:LINE: ...", never a
 * crash, whatever its lines, their length or their bytes. */
#include "fuzz_util.h"

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/kiosk.conf", fuzz_dir("config"));
    fuzz_write(path, data, size);
    Config cfg;
    Err err;
    config_defaults(&cfg);
    config_load_file(&cfg, path, &err);
    return 0;
}
