build-asan/tests/test_blobs.o: tests/test_blobs.c tests/testutil.h \
 kiosk/blobs.h kiosk/err.h kiosk/store.h kiosk/feed.h kiosk/store.h
tests/testutil.h:
kiosk/blobs.h:
kiosk/err.h:
kiosk/store.h:
kiosk/feed.h:
kiosk/store.h:
