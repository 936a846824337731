#pragma once
// What the POSIX change watchers (inotify on Linux, kqueue on macOS) share: path arithmetic over
// the watched set, the walk of a watched directory tree, and the stop/reload signals, which
// arrive through a self-pipe the watcher waits on next to its OS events.
#include <atomic>
#include <cstddef>
#include <set>
#include <string>

#include "platform/change_watcher.hpp"

namespace mpa::platform::watch {

std::string childOf(const std::string& dir, const std::string& name);
// `path` is `ancestor` or lies below it.
bool isWithin(const std::string& path, const std::string& ancestor);
bool isDirectory(const std::string& path);
// Adds `dir` and the directories below it (never through a symbolic link) to `out`, at most
// `maxEntries` in all and `maxDepth` levels deep. With `files`, regular files below `dir` too
// (kqueue sees a write to a file only through the file itself).
void addTree(const std::string& dir, int depth, int maxDepth, std::size_t maxEntries, bool files,
             std::set<std::string>& out);

// The places a re-arm left without a watch, in order and each once (a path that wants several
// directories or nodes can miss more than one).
void sortUnwatched(WatchShortfall& shortfall);

// Stop (SIGTERM, SIGINT) and reload (SIGHUP) requests. installSignals() makes the handler set
// the flags and write a byte to `wakeFd` (non-blocking); restoreSignals() puts the defaults
// back. At most one watcher per process uses them (claimWatcher / releaseWatcher).
extern std::atomic<bool> stopRequested;
extern std::atomic<bool> reloadRequested;
bool claimWatcher();
void releaseWatcher();
void installSignals(int wakeFd);
void restoreSignals();
void drain(int fd);

}  // namespace mpa::platform::watch
