build-asan/kiosk/err.o: kiosk/err.c kiosk/err.h
kiosk/err.h:
