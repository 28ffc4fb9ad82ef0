# package.cmake: what `cmake --install` puts where, and the Debian package
# kaptajn_<version>_amd64.deb that `cmake --build build --target package`
# makes from it (CPack, DEB generator). Included by CMakeLists.txt with the
# program. The layout:
#   /usr/bin/kaptajn
#   /usr/share/kaptajn/migrations/*.sql
#   /usr/share/kaptajn/web/              the built portal and caseworker pages
#   /usr/share/kaptajn/nginx/            the includes of the nginx site
#   /etc/nginx/sites-available/kaptajn   the site (not enabled)
#   /etc/kaptajn/kaptajn.conf            the configuration (0640 root:kaptajn)
#   /etc/kaptajn/admin-allow.conf        who reaches /admin/ (nginx)
#   /lib/systemd/system/kaptajn-{citizen,admin,migrate,jobs,backup}.service,
#     kaptajn-jobs.timer, kaptajn-backup.timer, kaptajn-.service.d/hardening.conf
# The portal must be built first (kp_web_build in scripts/lib.sh): its
# designsystem assets are not in git, and the install stops without them.

set(KP_PKG_SRC ${CMAKE_SOURCE_DIR}/packaging)
set(KP_PKG_OUT ${CMAKE_BINARY_DIR}/packaging)
set(KP_DIR_MODE OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
    WORLD_READ WORLD_EXECUTE)
set(KP_FILE_MODE OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS ${KP_DIR_MODE})

# The production nginx site, from the development stack's template.
file(GLOB KP_NGINX_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/nginx/*)
add_custom_command(
  OUTPUT ${KP_PKG_OUT}/kaptajn ${KP_PKG_OUT}/admin-allow.conf
  COMMAND bash ${KP_PKG_SRC}/nginx-site.sh ${KP_PKG_OUT}
  DEPENDS ${KP_NGINX_SOURCES} ${KP_PKG_SRC}/nginx-site.sh ${CMAKE_SOURCE_DIR}/scripts/lib.sh
  COMMENT "Rendering the production nginx site from nginx/kaptajn.conf.in"
  VERBATIM)
add_custom_target(kaptajn_nginx_site ALL
                  DEPENDS ${KP_PKG_OUT}/kaptajn ${KP_PKG_OUT}/admin-allow.conf)

# One unit a pool, from one template.
foreach(pool_spec "citizen;4;/api/v1/ (and /metrics)" "admin;2;/admin/api/v1/")
  list(GET pool_spec 0 POOL)
  list(GET pool_spec 1 WORKERS)
  list(GET pool_spec 2 PATHS)
  configure_file(${KP_PKG_SRC}/kaptajn-pool.service.in
                 ${KP_PKG_OUT}/kaptajn-${POOL}.service @ONLY)
endforeach()

# Debian's changelog of a native package, compressed as dpkg wants it.
configure_file(${KP_PKG_SRC}/changelog.in ${KP_PKG_OUT}/changelog @ONLY)
add_custom_command(
  OUTPUT ${KP_PKG_OUT}/changelog.gz
  COMMAND gzip -9nf -k ${KP_PKG_OUT}/changelog
  DEPENDS ${KP_PKG_OUT}/changelog VERBATIM)
add_custom_target(kaptajn_changelog ALL DEPENDS ${KP_PKG_OUT}/changelog.gz)

set(KP_WEB_BUILT ${CMAKE_SOURCE_DIR}/web/assets/dkfds/css/dkfds-borgerdk.used.min.css)
install(CODE "
  if(NOT EXISTS \"${KP_WEB_BUILT}\")
    message(FATAL_ERROR \"The portal is not built (no ${KP_WEB_BUILT}).
Build it first, then package:
  bash -c '. scripts/lib.sh; kp_npm_install && kp_web_build'\")
  endif()")

install(TARGETS kaptajn RUNTIME DESTINATION bin)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/migrations/ DESTINATION share/kaptajn/migrations
        FILE_PERMISSIONS ${KP_FILE_MODE} FILES_MATCHING PATTERN "*.sql")
# What nginx serves (nginx/static-files.conf): not the build's inputs, not
# the dev IdP's page, no source map, and not the designsystem's complete
# IBM Plex Sans faces (8.5 MB): the pages load only its Latin subsets
# (web/css/app.css), and the CSS they load names no other font file.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/web/ DESTINATION share/kaptajn/web
        FILE_PERMISSIONS ${KP_FILE_MODE}
        PATTERN node_modules EXCLUDE
        PATTERN dev-idp EXCLUDE
        PATTERN package.json EXCLUDE
        PATTERN package-lock.json EXCLUDE
        PATTERN "*.map" EXCLUDE
        PATTERN ".*" EXCLUDE
        REGEX "/assets/dkfds/fonts/IBMPlexSans/complete$" EXCLUDE)
install(DIRECTORY ${KP_PKG_OUT}/nginx/ DESTINATION share/kaptajn/nginx
        FILE_PERMISSIONS ${KP_FILE_MODE})
install(FILES ${KP_PKG_OUT}/kaptajn DESTINATION /etc/nginx/sites-available)
install(FILES ${KP_PKG_OUT}/admin-allow.conf DESTINATION /etc/kaptajn)
install(FILES ${KP_PKG_SRC}/kaptajn.conf DESTINATION /etc/kaptajn
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES ${KP_PKG_OUT}/kaptajn-citizen.service ${KP_PKG_OUT}/kaptajn-admin.service
              ${KP_PKG_SRC}/kaptajn-migrate.service ${KP_PKG_SRC}/kaptajn-jobs.service
              ${KP_PKG_SRC}/kaptajn-jobs.timer ${KP_PKG_SRC}/kaptajn-backup.service
              ${KP_PKG_SRC}/kaptajn-backup.timer
        DESTINATION /lib/systemd/system)
install(FILES ${KP_PKG_SRC}/kaptajn-.service.d/hardening.conf
        DESTINATION /lib/systemd/system/kaptajn-.service.d)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${KP_PKG_SRC}/copyright ${KP_PKG_OUT}/changelog.gz
        DESTINATION share/doc/kaptajn)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kaptajn)
set(CPACK_PACKAGE_CONTACT "Kaptajn <kaptajn@example.dk>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "citizen's joint plan across municipal services")
set(CPACK_PACKAGE_DESCRIPTION
    "Kaptajn gives a citizen with needs across employment, social, family and\n\
health services one joint plan, built from the citizen's own dreams. A\n\
FastCGI program (citizen and admin pools) behind nginx, with MariaDB;\n\
the citizen portal and the caseworker pages are included.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The libraries' packages come from dpkg-shlibdeps (libfcgi0ldbl,
# libmariadb3, libjwt0, libjansson4, libmbedcrypto7, libcurl4, libc6).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# mariadb-client: kaptajn backup and restore run mariadb-dump and mariadb.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, mariadb-client")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nginx, mariadb-server")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${KP_PKG_SRC}/conffiles ${KP_PKG_SRC}/postinst ${KP_PKG_SRC}/prerm ${KP_PKG_SRC}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
