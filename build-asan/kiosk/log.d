build-asan/kiosk/log.o: kiosk/log.c kiosk/log.h
kiosk/log.h:
