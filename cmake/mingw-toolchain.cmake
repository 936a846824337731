# Cross-compiling for 64-bit Windows with Debian's mingw-w64 (g++-mingw-w64-x86-64-posix).
# The dependencies come from the sysroot that scripts/build-windows-deps.sh builds; point
# WINCROSS_SYSROOT at it (the windows-cross preset takes it from $MPA_WIN_SYSROOT).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

# The unsuffixed x86_64-w64-mingw32-g++ is the win32 thread model (no std::thread, std::mutex):
# name the posix-thread compilers explicitly.
set(CMAKE_C_COMPILER   x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER  x86_64-w64-mingw32-windres)
set(CMAKE_AR     x86_64-w64-mingw32-gcc-ar-posix     CACHE FILEPATH "")
set(CMAKE_RANLIB x86_64-w64-mingw32-gcc-ranlib-posix CACHE FILEPATH "")

if(NOT WINCROSS_SYSROOT AND DEFINED ENV{MPA_WIN_SYSROOT})
  set(WINCROSS_SYSROOT "$ENV{MPA_WIN_SYSROOT}")
endif()
set(WINCROSS_SYSROOT "${WINCROSS_SYSROOT}" CACHE PATH
  "Prefix holding the cross-built static dependencies (scripts/build-windows-deps.sh prints it)")
if(NOT WINCROSS_SYSROOT)
  message(FATAL_ERROR "WINCROSS_SYSROOT is not set. Build the sysroot and export it first:\n"
    "  export MPA_WIN_SYSROOT=$(scripts/build-windows-deps.sh | tail -1)")
endif()
# try_compile projects re-read this file: hand them the sysroot too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES WINCROSS_SYSROOT)

set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 ${WINCROSS_SYSROOT})
set(CMAKE_PREFIX_PATH ${WINCROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# pkg-config knows nothing of CMAKE_FIND_ROOT_PATH: without this it hands the host's Linux
# libraries (e.g. libplist) to the Windows build.
set(ENV{PKG_CONFIG_LIBDIR} "${WINCROSS_SYSROOT}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# Lets gtest_discover_tests and ctest run the .exe files through Wine.
set(CMAKE_CROSSCOMPILING_EMULATOR wine)
