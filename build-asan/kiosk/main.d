build-asan/kiosk/main.o: kiosk/main.c kiosk/config.h kiosk/err.h \
 kiosk/log.h kiosk/store.h
kiosk/config.h:
kiosk/err.h:
kiosk/log.h:
kiosk/store.h:
