/* The kqueue declarations of macOS's <sys/event.h> (kqueue(2)), for the macOS link check only
 * (tests/macos/check_link_complete.sh): Linux has no kqueue, so change_watcher_mac.cpp is
 * compiled here against these declarations to see what it defines and what it calls. Nothing
 * here is defined or run; on a Mac the system header is used. Values as in macOS's header. */
#pragma once
#include <stdint.h>
#include <time.h>

struct kevent {
    uintptr_t ident;
    int16_t filter;
    uint16_t flags;
    uint32_t fflags;
    intptr_t data;
    void* udata;
};

#define EVFILT_READ (-1)
#define EVFILT_VNODE (-4)
#define EV_ADD 0x0001
#define EV_DELETE 0x0002
#define EV_ENABLE 0x0004
#define EV_CLEAR 0x0020
#define NOTE_DELETE 0x00000001
#define NOTE_WRITE 0x00000002
#define NOTE_EXTEND 0x00000004
#define NOTE_ATTRIB 0x00000008
#define NOTE_LINK 0x00000010
#define NOTE_RENAME 0x00000020
#define NOTE_REVOKE 0x00000040
#define EV_SET(kevp, a, b, c, d, e, f)    \
    do {                                  \
        struct kevent* __kevp__ = (kevp); \
        __kevp__->ident = (a);            \
        __kevp__->filter = (b);           \
        __kevp__->flags = (c);            \
        __kevp__->fflags = (d);           \
        __kevp__->data = (e);             \
        __kevp__->udata = (f);            \
    } while (0)

#ifdef __cplusplus
extern "C" {
#endif
int kqueue(void);
int kevent(int kq, const struct kevent* changelist, int nchanges, struct kevent* eventlist,
           int nevents, const struct timespec* timeout);
#ifdef __cplusplus
}
#endif
