// A Status as a GoogleTest assertion: ASSERT_TRUE(succeeded(store->record(prior))) fails with the
// status's error as its message. In namespace mpa, beside Status, so any test finds it.
#pragma once

#include <gtest/gtest.h>

#include "util/status.hpp"

namespace mpa {

inline ::testing::AssertionResult succeeded(const Status& status) {
    if (status) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << status.error;
}

}  // namespace mpa
