# Warnings are on for every target of the project. -Wnull-dereference is left out: with
# GCC 12 at -O2 it fires on inlined Boost.Asio code that is correct; likewise
# -Wmismatched-new-delete on Asio's coroutine frames (a GCC 12 false positive).
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                    -Wold-style-cast -Wcast-align -Woverloaded-virtual
                    -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options(-Wno-mismatched-new-delete)
endif()
option(INTAKE_WERROR "Treat warnings as errors" ON)
if(INTAKE_WERROR)
  add_compile_options(-Werror)
endif()
