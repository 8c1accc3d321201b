build-asan/tests/test_store.o: tests/test_store.c tests/testutil.h \
 kiosk/store.h kiosk/err.h
tests/testutil.h:
kiosk/store.h:
kiosk/err.h:
