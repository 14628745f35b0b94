# A PostgreSQL server of the tests' own: cmake -DACTION=start|halt|resume|stop -DDIR=<folder> -DBINDIR=<PostgreSQL's
# bin folder> -P server.cmake. start makes a new cluster in DIR/data (initdb), listening only on a
# Unix socket in DIR (no TCP port, so that test runs never meet), and waits until it accepts
# connections; halt stops it keeping its data and resume starts it again (a restart of the
# database server); stop shuts it down and removes DIR. PostgreSQL refuses to run as root, and CI runs
# as root: there the cluster belongs to the unprivileged user nobody (setpriv), and the tests,
# as root, still reach its socket. The tests do not cut power, so the server does not fsync
# unless -DDURABLE=ON (the benchmarks' server: commits cost what they cost in production).
cmake_minimum_required(VERSION 3.25)
foreach(needed ACTION DIR BINDIR)
    if(NOT DEFINED ${needed})
        message(FATAL_ERROR "server.cmake: -D${needed}=... is missing")
    endif()
endforeach()

execute_process(COMMAND id -u OUTPUT_VARIABLE uid OUTPUT_STRIP_TRAILING_WHITESPACE)
set(as_server "")
if(uid STREQUAL "0")
    set(as_server setpriv --reuid=nobody --regid=nogroup --clear-groups --)
endif()

function(run)
    execute_process(COMMAND ${as_server} ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err
                    TIMEOUT 120)
    if(NOT result EQUAL 0)
        if(EXISTS "${DIR}/server.log")
            file(READ "${DIR}/server.log" log)
        endif()
        message(FATAL_ERROR "server.cmake: ${ARGN} failed (${result}):\n${out}${err}\n${log}")
    endif()
endfunction()

set(server_options "-k ${DIR} -c listen_addresses= -c max_connections=200")
if(NOT DURABLE)
    string(APPEND server_options " -c fsync=off")
endif()
if(ACTION STREQUAL "start")
    if(EXISTS "${DIR}/data/postmaster.pid")
        # A run that was cut off left its server: stop it before starting anew.
        execute_process(COMMAND ${as_server} ${BINDIR}/pg_ctl -D ${DIR}/data -m immediate -w stop
                        OUTPUT_QUIET ERROR_QUIET TIMEOUT 60)
    endif()
    file(REMOVE_RECURSE "${DIR}")
    file(MAKE_DIRECTORY "${DIR}")
    if(uid STREQUAL "0")
        execute_process(COMMAND chown nobody:nogroup "${DIR}" COMMAND_ERROR_IS_FATAL ANY)
    endif()
    run(${BINDIR}/initdb -D ${DIR}/data -U kimflow -A trust -E UTF8 --no-locale --no-sync)
    run(${BINDIR}/pg_ctl -D ${DIR}/data -l ${DIR}/server.log -w -t 60 -o "${server_options}" start)
elseif(ACTION STREQUAL "halt")
    # Stops the server and keeps its data, as a restart of the database server does.
    run(${BINDIR}/pg_ctl -D ${DIR}/data -m fast -w -t 60 stop)
elseif(ACTION STREQUAL "resume")
    run(${BINDIR}/pg_ctl -D ${DIR}/data -l ${DIR}/server.log -w -t 60 -o "${server_options}" start)
elseif(ACTION STREQUAL "stop")
    if(EXISTS "${DIR}/data/postmaster.pid")
        run(${BINDIR}/pg_ctl -D ${DIR}/data -m fast -w -t 60 stop)
    endif()
    file(REMOVE_RECURSE "${DIR}")
else()
    message(FATAL_ERROR "server.cmake: ACTION is start, halt, resume or stop, not '${ACTION}'")
endif()
