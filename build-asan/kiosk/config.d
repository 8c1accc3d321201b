build-asan/kiosk/config.o: kiosk/config.c kiosk/config.h kiosk/err.h \
 kiosk/log.h
kiosk/config.h:
kiosk/err.h:
kiosk/log.h:
