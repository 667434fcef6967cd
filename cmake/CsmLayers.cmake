# The layer rules of docs/architecture.md ("Layers"), checked at configure
# time. Every library of the suite names its layer with csm_layer(); once all
# targets exist, csm_check_layers() walks each one's transitive link closure
# and stops the configure when it contains what its layer must not link:
#
#   layer    may link (layers)                     must not reach
#   base     base                                  gRPC, MySQL, libjwt, Prometheus
#   domain   base, domain                          gRPC, MySQL, libjwt, Prometheus
#   sql      base, sql                             gRPC, libjwt, Prometheus
#   store    base, sql, domain, store              gRPC
#   app      base, sql, domain, store, app         gRPC
#   jobs     base, sql, domain, store, app, jobs   gRPC
#   grpc     base, sql, grpc                       -
#   api      all but service                       -
#   service  all                                   -
#
# Targets without a layer (tests, tools) are not checked. A target whose name
# ends in _domain must be of layer domain.

set(CSM_LAYERS base domain sql store app jobs grpc api service)

set(_csm_allowed_base base)
set(_csm_allowed_domain base domain)
set(_csm_allowed_sql base sql)
set(_csm_allowed_store base sql domain store)
set(_csm_allowed_app base sql domain store app)
set(_csm_allowed_jobs base sql domain store app jobs)
set(_csm_allowed_grpc base sql grpc)
set(_csm_allowed_api base sql grpc domain store app jobs api)
set(_csm_allowed_service ${CSM_LAYERS})

# External libraries by what they are (regular expressions on target names).
set(_csm_external_grpc "^gRPC::")
set(_csm_external_mysql "^mysqlcppconn::")
set(_csm_external_jwt "^PkgConfig::LIBJWT$")
set(_csm_external_prometheus "^prometheus-cpp::")

set(_csm_forbidden_base grpc mysql jwt prometheus)
set(_csm_forbidden_domain grpc mysql jwt prometheus)
set(_csm_forbidden_sql grpc jwt prometheus)
set(_csm_forbidden_store grpc)
set(_csm_forbidden_app grpc)
set(_csm_forbidden_jobs grpc)

# Marks `target` as a library of `layer`.
function(csm_layer target layer)
  if(NOT layer IN_LIST CSM_LAYERS)
    message(FATAL_ERROR "csm_layer(${target} ${layer}): unknown layer; one of ${CSM_LAYERS}")
  endif()
  set_property(TARGET ${target} PROPERTY CSM_LAYER ${layer})
  set_property(GLOBAL APPEND PROPERTY CSM_LAYERED_TARGETS ${target})
endfunction()

# The libraries `target` links, directly or through others, as a list of
# "name<parent" pairs (the first one that brought it in) in `out`.
function(_csm_link_closure target out)
  set(seen "")
  set(pairs "")
  set(queue "${target}<")
  while(queue)
    list(POP_FRONT queue item)
    string(FIND "${item}" "<" cut REVERSE)
    string(SUBSTRING "${item}" 0 ${cut} name)
    if(name IN_LIST seen)
      continue()
    endif()
    list(APPEND seen "${name}")
    list(APPEND pairs "${item}")
    if(NOT TARGET "${name}")
      continue()
    endif()
    set(libs "")
    get_target_property(iface "${name}" INTERFACE_LINK_LIBRARIES)
    if(iface)
      list(APPEND libs ${iface})
    endif()
    get_target_property(imported "${name}" IMPORTED)
    if(NOT imported)
      get_target_property(direct "${name}" LINK_LIBRARIES)
      if(direct)
        list(APPEND libs ${direct})
      endif()
    endif()
    foreach(lib IN LISTS libs)
      # PRIVATE dependencies of static libraries: $<LINK_ONLY:x>.
      string(REGEX REPLACE "^\\$<LINK_ONLY:([^$<>]*)>$" "\\1" lib "${lib}")
      if(lib MATCHES "[$<>]" OR lib STREQUAL "")
        continue()  # other generator expressions: not libraries we name
      endif()
      if(TARGET "${lib}")
        get_target_property(aliased "${lib}" ALIASED_TARGET)
        if(aliased)
          set(lib "${aliased}")
        endif()
      endif()
      list(APPEND queue "${lib}<${name}")
    endforeach()
  endwhile()
  set(${out} "${pairs}" PARENT_SCOPE)
endfunction()

# "a -> b -> c": how `name` came into `target`'s closure.
function(_csm_link_path pairs name out)
  set(path "${name}")
  set(current "${name}")
  while(TRUE)
    set(parent "")
    foreach(pair IN LISTS pairs)
      string(FIND "${pair}" "<" cut REVERSE)
      string(SUBSTRING "${pair}" 0 ${cut} n)
      if(n STREQUAL current)
        math(EXPR from "${cut} + 1")
        string(SUBSTRING "${pair}" ${from} -1 parent)
        break()
      endif()
    endforeach()
    if(parent STREQUAL "")
      break()
    endif()
    set(path "${parent} -> ${path}")
    set(current "${parent}")
  endwhile()
  set(${out} "${path}" PARENT_SCOPE)
endfunction()

# Checks every target marked with csm_layer(); FATAL_ERROR listing each
# breach with the chain of links that causes it.
function(csm_check_layers)
  get_property(targets GLOBAL PROPERTY CSM_LAYERED_TARGETS)
  set(errors "")
  foreach(target IN LISTS targets)
    get_target_property(layer ${target} CSM_LAYER)
    if(target MATCHES "_domain$" AND NOT layer STREQUAL "domain")
      string(APPEND errors "\n  ${target} is named *_domain but is of layer ${layer}")
    endif()
    _csm_link_closure(${target} pairs)
    foreach(pair IN LISTS pairs)
      string(FIND "${pair}" "<" cut REVERSE)
      string(SUBSTRING "${pair}" 0 ${cut} dep)
      if(dep STREQUAL target)
        continue()
      endif()
      set(why "")
      if(TARGET "${dep}")
        get_target_property(dep_layer "${dep}" CSM_LAYER)
        if(dep_layer AND NOT dep_layer IN_LIST _csm_allowed_${layer})
          set(why "a ${dep_layer} library")
        endif()
      endif()
      foreach(kind IN LISTS _csm_forbidden_${layer})
        if(dep MATCHES "${_csm_external_${kind}}")
          set(why "${kind}")
        endif()
      endforeach()
      if(NOT why STREQUAL "")
        _csm_link_path("${pairs}" "${dep}" path)
        string(APPEND errors "\n  ${target} (layer ${layer}) reaches ${why}: ${path}")
      endif()
    endforeach()
  endforeach()
  if(NOT errors STREQUAL "")
    message(FATAL_ERROR "layer rules broken (cmake/CsmLayers.cmake):${errors}")
  endif()
  list(LENGTH targets n)
  message(STATUS "layers: ${n} libraries checked")
endfunction()
