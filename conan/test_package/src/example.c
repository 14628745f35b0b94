/* The C ABI from another project: a Drucksache created and submitted, then read back.
   Prints "kimflow VERSION (C): STATE". */
#include <kimflow/c/kimflow.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char** argv)
{
    const char* path = argc > 1 ? argv[1] : "test_package_c.db";
    const kimflow_actor fraktion = {"kretschmer", "fraktion", "Fraktion Die Linke"};
    kimflow_db* db = NULL;
    char* out = NULL;
    remove(path);
    if (kimflow_open(path, NULL, &db) != KIMFLOW_OK ||
        kimflow_paper_create(db, "{\"reference\": \"14/1923\", \"title\": \"Zusammenarbeit der KI\"}", &fraktion, NULL) !=
            KIMFLOW_OK ||
        kimflow_fire(db, "paper", "14/1923", "submit", NULL, &fraktion, KIMFLOW_ANY_VERSION, &out) != KIMFLOW_OK) {
        fprintf(stderr, "example_c: %s\n", kimflow_last_error());
        kimflow_close(db);
        return 1;
    }
    printf("kimflow %s (C): %s\n", kimflow_version(), strstr(out, "\"state\":\"submitted\"") ? "submitted" : out);
    kimflow_free(out);
    kimflow_close(db);
    return 0;
}
