// Each reader's rules for the machine-wide variable, over file contents: which line decides.
#include "targets/effective_environment.hpp"

#include <gtest/gtest.h>

namespace mpa::test {
namespace {

constexpr const char* kKey = "METALAMA_TELEMETRY_OPT_OUT";

TEST(EffectiveEnvironment, PamEnvLastLineWinsAndAConfRuleWinsOverIt) {
    PamEnvFiles files;
    files.environment = EnvSourceFile{"/etc/environment",
                                      "# c\nMETALAMA_TELEMETRY_OPT_OUT=1\nexport "
                                      "METALAMA_TELEMETRY_OPT_OUT=\"0\"\r\nLANG=C\n"};
    auto v = pamEnvValue(files, kKey);
    EXPECT_EQ(v.value, "0");
    EXPECT_EQ(v.origin, "/etc/environment:3");
    EXPECT_FALSE(optsOutEverywhere(v));

    files.environment->content = "METALAMA_TELEMETRY_OPT_OUT=1\n";
    files.conf = EnvSourceFile{"/etc/security/pam_env.conf",
                               "#METALAMA_TELEMETRY_OPT_OUT DEFAULT=0\nOTHER DEFAULT=1\n"
                               "METALAMA_TELEMETRY_OPT_OUT DEFAULT=0 OVERRIDE=\"false\"\n"};
    v = pamEnvValue(files, kKey);
    EXPECT_EQ(v.value, "false");
    EXPECT_EQ(v.origin, "/etc/security/pam_env.conf:3");
    EXPECT_FALSE(optsOutEverywhere(v));

    files.conf->content = "METALAMA_TELEMETRY_OPT_OUT DEFAULT=${CI}\n";
    v = pamEnvValue(files, kKey);
    EXPECT_TRUE(v.computed);
    EXPECT_FALSE(optsOutEverywhere(v)) << "an expression is not known to opt out";

    files.conf->content = "METALAMA_TELEMETRY_OPT_OUT\n";  // neither DEFAULT nor OVERRIDE
    v = pamEnvValue(files, kKey);
    EXPECT_FALSE(v.value.has_value());

    files.conf.reset();
    v = pamEnvValue(files, kKey);
    EXPECT_EQ(v.value, "1");
    EXPECT_TRUE(optsOutEverywhere(v));
}

TEST(EffectiveEnvironment, EnvironmentDAppliesFilesInOrderWithExpansion) {
    const std::vector<EnvSourceFile> files = {
        {"/etc/environment.d/10-base.conf", "BASE=0\n"},
        {"/etc/environment.d/90-metalama-telemetry.conf", "# ours\nMETALAMA_TELEMETRY_OPT_OUT=1\n"},
        {"/usr/lib/environment.d/99-zz.conf", "; note\nMETALAMA_TELEMETRY_OPT_OUT=${BASE}\n"}};
    auto v = environmentDValue(files, kKey);
    EXPECT_EQ(v.value, "0");
    EXPECT_EQ(v.origin, "/usr/lib/environment.d/99-zz.conf:2");
    const std::vector<EnvSourceFile> kept = {
        files[1], {"/x/99.conf", "METALAMA_TELEMETRY_OPT_OUT=${METALAMA_TELEMETRY_OPT_OUT:-0}\n"}};
    v = environmentDValue(kept, kKey);
    EXPECT_EQ(v.value, "1");
    EXPECT_TRUE(optsOutEverywhere(v));
}

TEST(EffectiveEnvironment, DropInOrderHidesNamesAndSortsByName) {
    const auto order = systemdDropInOrder({{"90-metalama-telemetry.conf", "99-dev.conf", "README"},
                                           {"99-dev.conf", "50-x.conf"},
                                           {".hidden.conf", "00-first.conf"}},
                                          ".conf");
    ASSERT_EQ(order.size(), 4u);
    EXPECT_EQ(order[0].name, "00-first.conf");
    EXPECT_EQ(order[0].dir, 2u);
    EXPECT_EQ(order[1].name, "50-x.conf");
    EXPECT_EQ(order[2].name, "90-metalama-telemetry.conf");
    EXPECT_EQ(order[3].name, "99-dev.conf");
    EXPECT_EQ(order[3].dir, 0u) << "/etc hides /run's file of the same name";
}

TEST(EffectiveEnvironment, DefaultEnvironmentListsQuotesAndResets) {
    std::vector<EnvSourceFile> files = {
        {"/etc/systemd/system.conf", "[Manager]\n#DefaultEnvironment=\n"},
        {"/etc/systemd/system.conf.d/90-metalama-telemetry.conf",
         "[Manager]\nDefaultEnvironment=METALAMA_TELEMETRY_OPT_OUT=1\n"},
        {"/etc/systemd/system.conf.d/99-dev.conf",
         "[Manager]\nDefaultEnvironment=\"LANG=C x\" METALAMA_TELEMETRY_OPT_OUT=0\n"}};
    auto v = systemdDefaultEnvironmentValue(files, kKey);
    EXPECT_EQ(v.value, "0");
    EXPECT_EQ(v.origin, "/etc/systemd/system.conf.d/99-dev.conf:2");
    files[2].content = "[Manager]\nDefaultEnvironment=\n";
    v = systemdDefaultEnvironmentValue(files, kKey);
    EXPECT_FALSE(v.value.has_value()) << "an empty assignment clears the list";
    files[2].content = "[Install]\nDefaultEnvironment=METALAMA_TELEMETRY_OPT_OUT=0\n";
    v = systemdDefaultEnvironmentValue(files, kKey);
    EXPECT_EQ(v.value, "1") << "only [Manager] counts";
}

TEST(EffectiveEnvironment, ProfileScriptsAssignExportAndUnset) {
    std::vector<EnvSourceFile> scripts = {
        {"/etc/profile.d/metalama-telemetry.sh", "export METALAMA_TELEMETRY_OPT_OUT=1\n"},
        {"/etc/profile.d/zz-dev.sh",
         "# METALAMA_TELEMETRY_OPT_OUT=0\n[ -n \"$X\" ] && METALAMA_TELEMETRY_OPT_OUT='0'\n"}};
    auto v = profileDValue(scripts, kKey);
    EXPECT_EQ(v.value, "0");
    EXPECT_EQ(v.origin, "/etc/profile.d/zz-dev.sh:2");
    scripts[1].content = "unset METALAMA_TELEMETRY_OPT_OUT\n";
    v = profileDValue(scripts, kKey);
    EXPECT_FALSE(v.value.has_value());
    EXPECT_EQ(v.origin, "/etc/profile.d/zz-dev.sh:1");
    scripts[1].content = "export METALAMA_TELEMETRY_OPT_OUT\nMY_METALAMA_TELEMETRY_OPT_OUT=0\n";
    v = profileDValue(scripts, kKey);
    EXPECT_EQ(v.value, "1");
    EXPECT_TRUE(optsOutEverywhere(v));
}

TEST(EffectiveEnvironment, GlobOrderInAnyLocale) {
    EXPECT_TRUE(mayRunAfter("zz-dev.sh", "metalama-telemetry.sh"));
    EXPECT_TRUE(mayRunAfter("Zz-dev.sh", "metalama-telemetry.sh")) << "after it in en_US order";
    EXPECT_FALSE(mayRunAfter("bash_completion.sh", "metalama-telemetry.sh"));
}

}  // namespace
}  // namespace mpa::test
