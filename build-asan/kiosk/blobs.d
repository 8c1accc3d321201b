build-asan/kiosk/blobs.o: kiosk/blobs.c kiosk/blobs.h kiosk/err.h \
 kiosk/store.h kiosk/log.h
kiosk/blobs.h:
kiosk/err.h:
kiosk/store.h:
kiosk/log.h:
