/* main.c — start-up: config, log, store, then the UI loop. */
#include <stdio.h>

#include "config.h"
#include "log.h"
#include "store.h"

int main(int argc, char **argv)
{
    Config cfg;
    Err err;
    int rc = config_init(&cfg, argc, argv, &err);
    if (rc == 1) return 0;
    if (rc != 0) {
        fprintf(stderr, "kiosk: %s\n", err.msg);
        return 2;
    }
    log_set_level(cfg.log_level);
    Store *store;
    if (store_open(cfg.db_path, &store, &err)) {
        log_error("%s", err.msg);
        return 1;
    }
    store_close(store);
    return 0;
}
