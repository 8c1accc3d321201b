build-asan/kiosk/feed.o: kiosk/feed.c kiosk/feed.h kiosk/err.h \
 kiosk/store.h kiosk/log.h
kiosk/feed.h:
kiosk/err.h:
kiosk/store.h:
kiosk/log.h:
