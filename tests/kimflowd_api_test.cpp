// Placeholder: filled in by its issue.
#include <gtest/gtest.h>
