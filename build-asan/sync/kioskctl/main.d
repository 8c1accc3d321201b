build-asan/sync/kioskctl/main.o: sync/kioskctl/main.c kiosk/blobs.h \
 kiosk/err.h kiosk/store.h kiosk/err.h kiosk/feed.h kiosk/log.h \
 kiosk/store.h
kiosk/blobs.h:
kiosk/err.h:
kiosk/store.h:
kiosk/err.h:
kiosk/feed.h:
kiosk/log.h:
kiosk/store.h:
