// Where a catalog tool's per-user settings file is below a profile's home, per platform.
#include "targets/user_settings_paths.hpp"

#include <gtest/gtest.h>

namespace mpa {
namespace {

std::vector<std::string> components(const std::string& path) {
    std::vector<std::string> out;
    const auto status = userFileComponents(path, &out);
    EXPECT_TRUE(status) << path << ": " << status.error;
    return out;
}

TEST(UserSettingsPaths, HomeAndProfileFoldersBecomeComponentsBelowTheHome) {
    using V = std::vector<std::string>;
    EXPECT_EQ(components("~/.azure/config"), (V{".azure", "config"}));
    EXPECT_EQ(components("~/Library/Application Support/turborepo/telemetry.json"),
              (V{"Library", "Application Support", "turborepo", "telemetry.json"}));
    EXPECT_EQ(components("%USERPROFILE%\\.azure\\config"), (V{".azure", "config"}));
    EXPECT_EQ(components("%APPDATA%\\turborepo\\telemetry.json"),
              (V{"AppData", "Roaming", "turborepo", "telemetry.json"}));
    EXPECT_EQ(components("%LOCALAPPDATA%\\x\\y.json"), (V{"AppData", "Local", "x", "y.json"}));
}

TEST(UserSettingsPaths, WhatIsNotInTheProfileIsRefusedNamingThePath) {
    std::vector<std::string> out;
    for (const char* bad :
         {"/etc/x", "~/../root/.bashrc", "%PROGRAMDATA%\\x", "%APPDATA%", "~/a//b", "relative/x"}) {
        const auto status = userFileComponents(bad, &out);
        EXPECT_FALSE(status) << bad;
        EXPECT_NE(status.error.find(bad), std::string::npos) << status.error;
    }
}

TEST(UserSettingsPaths, ThePathOfThePlatform) {
    CatalogUserFile file;
    file.linuxPath = "~/l";
    file.macosPath = "~/m";
    EXPECT_EQ(userFilePathFor(file, PlatformProfile::Linux), "~/l");
    EXPECT_EQ(userFilePathFor(file, PlatformProfile::MacOS), "~/m");
    EXPECT_EQ(userFilePathFor(file, PlatformProfile::Windows), "");
}

}  // namespace
}  // namespace mpa
