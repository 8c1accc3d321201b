build-asan/kiosk/store.o: kiosk/store.c kiosk/store.h kiosk/err.h \
 kiosk/log.h
kiosk/store.h:
kiosk/err.h:
kiosk/log.h:
