build-asan/tests/test_config.o: tests/test_config.c tests/testutil.h \
 kiosk/config.h kiosk/err.h
tests/testutil.h:
kiosk/config.h:
kiosk/err.h:
