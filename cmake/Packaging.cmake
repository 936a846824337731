# Linux packages (.deb and .rpm, built by CPack) and the install() rules they are made from.
# Included from the root CMakeLists on Linux only, so the Windows cross build is unaffected.
#
#   cmake --build --preset ci && (cd build/ci && cpack -G "DEB;RPM")
#
# What goes where, and why, is described in docs/packaging.md.

include(GNUInstallDirs)

set(MPA_PACKAGE_NAME metalama-policy-agent)
set(MPA_LINUX_DIR ${CMAKE_CURRENT_SOURCE_DIR}/installer/linux)
set(MPA_PACKAGE_MAINTAINER "Metalama policy agent maintainers <maintainers@users.noreply.r-seed-2b434875.example>"
  CACHE STRING "Maintainer field of the packages (name <email>)")
set(MPA_PACKAGE_HOMEPAGE "https://www.postsharp.net/metalama"
  CACHE STRING "Homepage field of the packages")
set(MPA_PACKAGE_RELEASE 1 CACHE STRING "Debian revision / RPM release of the packages")

# A root service reading files other users may influence: build it hardened, as Debian's
# dpkg-buildflags would (lintian checks the binary for these). _FORTIFY_SOURCE needs
# optimisation and is not used together with the sanitizers.
set(hardened metalama-policy-agent)
foreach(layer IN LISTS MPA_LAYERS)
  list(APPEND hardened mpa_${layer})
endforeach()
foreach(target IN LISTS hardened)
  target_compile_options(${target} PRIVATE -fstack-protector-strong -fstack-clash-protection)
  if(NOT MPA_SANITIZE)
    target_compile_definitions(${target} PRIVATE $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>)
  endif()
endforeach()
target_link_options(metalama-policy-agent PRIVATE -Wl,-z,relro -Wl,-z,now)

# --- Files generated for the packages ------------------------------------------------------------
set(MPA_PACKAGE_STAGING ${CMAKE_CURRENT_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${MPA_PACKAGE_STAGING}/metalama-policy-agent)  # the empty state directory

# Debian wants man pages and changelogs compressed with gzip -9n (no name or time stamp, so the
# build is reproducible).
# The changelog's date is the build's (SOURCE_DATE_EPOCH when set, for reproducible builds).
string(TIMESTAMP MPA_PACKAGE_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${MPA_LINUX_DIR}/debian/changelog.in ${MPA_PACKAGE_STAGING}/changelog.Debian @ONLY)
set(MPA_PACKAGE_GZIPPED
  ${MPA_PACKAGE_STAGING}/metalama-policy-agent.8.gz ${MPA_PACKAGE_STAGING}/changelog.Debian.gz)
add_custom_command(OUTPUT ${MPA_PACKAGE_GZIPPED}
  COMMAND gzip -9nc ${MPA_LINUX_DIR}/metalama-policy-agent.8 > ${MPA_PACKAGE_STAGING}/metalama-policy-agent.8.gz
  COMMAND gzip -9nc ${MPA_PACKAGE_STAGING}/changelog.Debian > ${MPA_PACKAGE_STAGING}/changelog.Debian.gz
  DEPENDS ${MPA_LINUX_DIR}/metalama-policy-agent.8 ${MPA_PACKAGE_STAGING}/changelog.Debian
  COMMENT "Compressing the man page and the Debian changelog")
add_custom_target(mpa_package_files ALL DEPENDS ${MPA_PACKAGE_GZIPPED})

# Files under /etc are configuration: dpkg keeps an administrator's edits across upgrades.
set(MPA_POLICY_READMES /etc/metalama/policies/managed/README /etc/metalama/policies/recommended/README)
string(REPLACE ";" "\n" MPA_CONFFILES "${MPA_POLICY_READMES}")
file(WRITE ${MPA_PACKAGE_STAGING}/conffiles "${MPA_CONFFILES}\n")
foreach(script postinst prerm postrm)
  configure_file(${MPA_LINUX_DIR}/debian/${script} ${MPA_PACKAGE_STAGING}/${script} COPYONLY
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()

# --- install() rules -----------------------------------------------------------------------------
# The binary goes to ${prefix}/sbin: /usr/sbin in the packages (CPACK_PACKAGING_INSTALL_PREFIX).
install(TARGETS metalama-policy-agent RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})

# The unit: Debian 12's lintian wants /lib/systemd/system, RPM distributions use
# /usr/lib/systemd/system. One install tree serves both generators, so the directory is chosen
# when CPack runs the installation: CPackProjectConfig.cmake sets MPA_SYSTEMD_UNIT_DIR per
# generator (a plain `cmake --install` gets /usr/lib/systemd/system).
install(CODE "
  if(DEFINED ENV{MPA_SYSTEMD_UNIT_DIR})
    set(mpa_unit_dir \"\$ENV{MPA_SYSTEMD_UNIT_DIR}\")
  else()
    set(mpa_unit_dir /usr/lib/systemd/system)
  endif()
  file(INSTALL DESTINATION \"\${mpa_unit_dir}\" TYPE FILE
    PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
    FILES \"${MPA_LINUX_DIR}/metalama-policy-agent.service\")
")

# Policy drop-in directories, each with a README (the directories are root's, mode 0755).
foreach(level managed recommended)
  install(FILES ${MPA_LINUX_DIR}/policies/README.${level}
    DESTINATION /etc/metalama/policies/${level} RENAME README
    PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endforeach()

# The audit group's access to the database, run by postinst and %post (one copy for both).
install(PROGRAMS ${MPA_LINUX_DIR}/audit-access.sh
  DESTINATION lib/${MPA_PACKAGE_NAME} RENAME audit-access)

# The samba-gpupdate client-side extension and its registration, run by the maintainer scripts.
install(FILES ${MPA_LINUX_DIR}/samba/gp_metalama_ext.py
  DESTINATION lib/${MPA_PACKAGE_NAME}/samba
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(PROGRAMS ${MPA_LINUX_DIR}/samba-extension.sh
  DESTINATION lib/${MPA_PACKAGE_NAME} RENAME samba-extension)

# Templates and examples for administrators.
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/admx/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/${MPA_PACKAGE_NAME}/admx)
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/policies/examples/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/${MPA_PACKAGE_NAME}/examples)

# Documentation, the copyright file and the Debian changelog.
file(GLOB MPA_DOCS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/docs/*.md)
install(FILES ${MPA_DOCS} ${MPA_LINUX_DIR}/debian/copyright
  ${MPA_PACKAGE_STAGING}/changelog.Debian.gz
  DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${MPA_PACKAGE_NAME})
install(FILES ${MPA_PACKAGE_STAGING}/metalama-policy-agent.8.gz
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)

# The state directory: private, it holds prior values of users' settings.
install(DIRECTORY ${MPA_PACKAGE_STAGING}/metalama-policy-agent DESTINATION /var/lib
  DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)

# --- CPack: common fields ------------------------------------------------------------------------
set(CPACK_GENERATOR "DEB;RPM")
set(CPACK_PACKAGE_NAME ${MPA_PACKAGE_NAME})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Metalama policy agent maintainers")
set(CPACK_PACKAGE_CONTACT "${MPA_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${MPA_PACKAGE_HOMEPAGE}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "enforces the Metalama telemetry opt-out policy")
set(CPACK_PACKAGE_DESCRIPTION "\
A small system service that reads the Metalama telemetry opt-out policy set by
IT (drop-in files under /etc/metalama/policies, Group Policy delivered by
Samba), makes the machine comply (a machine-wide environment variable and
every user's Metalama settings) and records, provably, whether the machine
complied and what it changed, in a local SQLite database. Removing the package
restores everything the agent changed.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_BINARY_DIR}/CPackProjectConfig.cmake)
file(WRITE ${CPACK_PROJECT_CONFIG_FILE} [=[
# Per-generator settings, read by cpack before it runs each generator.
if(CPACK_GENERATOR STREQUAL "DEB")
  set(ENV{MPA_SYSTEMD_UNIT_DIR} /lib/systemd/system)
else()
  set(ENV{MPA_SYSTEMD_UNIT_DIR} /usr/lib/systemd/system)
endif()
]=])

# --- DEB -----------------------------------------------------------------------------------------
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${MPA_PACKAGE_RELEASE})
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends from the libraries the binary links
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${MPA_PACKAGE_STAGING}/conffiles ${MPA_PACKAGE_STAGING}/postinst
  ${MPA_PACKAGE_STAGING}/prerm ${MPA_PACKAGE_STAGING}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# dpkg would otherwise list the standard directories the package shares with the system.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)

# --- RPM -----------------------------------------------------------------------------------------
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_RELEASE ${MPA_PACKAGE_RELEASE})
set(CPACK_RPM_PACKAGE_LICENSE "LicenseRef-Unspecified")
set(CPACK_RPM_PACKAGE_GROUP "System Environment/Daemons")
set(CPACK_RPM_PACKAGE_URL "${MPA_PACKAGE_HOMEPAGE}")
# Library requirements come from rpmbuild's automatic dependency scan (AutoReq); the scriptlets
# need systemctl.
set(CPACK_RPM_PACKAGE_AUTOREQ ON)
set(CPACK_PACKAGE_RELOCATABLE OFF)  # /etc and /var paths: not relocatable
set(CPACK_RPM_PACKAGE_RELOCATABLE OFF)
# No /usr/lib/.build-id links: they would clash with other packages built the same way.
set(CPACK_RPM_SPEC_MORE_DEFINE "%define _build_id_links none")
set(CPACK_RPM_PACKAGE_REQUIRES_POST "systemd")
set(CPACK_RPM_PACKAGE_REQUIRES_PREUN "systemd")
set(CPACK_RPM_PACKAGE_REQUIRES_POSTUN "systemd")
set(CPACK_RPM_POST_INSTALL_SCRIPT_FILE ${MPA_LINUX_DIR}/rpm/post.sh)
set(CPACK_RPM_PRE_UNINSTALL_SCRIPT_FILE ${MPA_LINUX_DIR}/rpm/preun.sh)
set(CPACK_RPM_POST_UNINSTALL_SCRIPT_FILE ${MPA_LINUX_DIR}/rpm/postun.sh)
# Directories every system has belong to the filesystem package, not to this one.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
  /etc /var /var/lib /lib /lib/systemd /lib/systemd/system /usr/lib/systemd
  /usr/lib/systemd/system /usr/sbin /usr/share/man /usr/share/man/man8 /usr/share/doc)
set(CPACK_RPM_USER_FILELIST
  "%config(noreplace) /etc/metalama/policies/managed/README"
  "%config(noreplace) /etc/metalama/policies/recommended/README"
  "%dir %attr(0700,root,root) /var/lib/metalama-policy-agent")

include(CPack)
