build-asan/tests/test_feed.o: tests/test_feed.c tests/testutil.h \
 kiosk/feed.h kiosk/err.h kiosk/store.h kiosk/store.h
tests/testutil.h:
kiosk/feed.h:
kiosk/err.h:
kiosk/store.h:
kiosk/store.h:
