/*
 * systemd's notification protocol, spoken directly over $NOTIFY_SOCKET
 * (no libsystemd needed); every call is a no-op outside systemd.
 */
#ifndef SDNOTIFY_H
#define SDNOTIFY_H

#include <stdint.h>

int	 sdn_notify(const char *, ...) __attribute__((format(printf, 1, 2)));
uint64_t sdn_watchdog_usec(void);

#endif
