# intake_embed_files(<out-var> <symbol> <folder> <glob>): the files of <folder> matching
# <glob> (re-globbed when files come or go), compiled in as `intake::embedded::<symbol>()`
# by embed_files.cmake; <out-var> names the generated source to add to a target.
function(intake_embed_files out_var symbol folder glob)
  file(GLOB files CONFIGURE_DEPENDS ${folder}/${glob})
  list(SORT files)
  list(JOIN files "|" files_arg)
  set(output ${CMAKE_CURRENT_BINARY_DIR}/${symbol}_embedded.cpp)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} -DSYMBOL=${symbol} "-DFILES=${files_arg}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${symbol}"
    VERBATIM)
  set(${out_var} ${output} PARENT_SCOPE)
endfunction()
