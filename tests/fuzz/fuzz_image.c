/* fuzz_image.c — the kiosk's image loader (kiosk/ui/picture.c, through its
 * public picture_load, which checks the header with proto/image.h first)
 * on any bytes: an image is decoded to the size it is shown or refused,
 * never a crash and never more memory than the limits allow
 * (-rss_limit_mb in tests/fuzz/run.sh). */
#include "fuzz_util.h"

#include "picture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/attachment", fuzz_dir("image"));
    fuzz_write(path, data, size);
    Err err;
    SDL_Surface *pic = picture_load(path, 640, 480, &err);
    if (pic) SDL_FreeSurface(pic);
    return 0;
}
