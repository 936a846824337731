// The service's timing rules with a fake clock: settle, immediate requests, the timer with its
// spread, and the retry back-off.
#include "engine/service_schedule.hpp"

#include <gtest/gtest.h>

namespace mpa {
namespace {

using namespace std::chrono_literals;
using Clock = ServiceSchedule::Clock;

class Schedule : public ::testing::Test {
  protected:
    ServiceSchedule schedule{{300ms, 1s, 5min}};
    Clock::time_point t0 = Clock::time_point{} + 1000h;
};

TEST_F(Schedule, NothingIsDueOrScheduledBeforeAnything) {
    EXPECT_FALSE(schedule.due(t0));
    EXPECT_FALSE(schedule.nextDeadline());
}

TEST_F(Schedule, StartAndSignalRunAtOnce) {
    schedule.passNow(ServiceSchedule::kStart);
    const auto due = schedule.due(t0);
    ASSERT_TRUE(due);
    EXPECT_EQ(due->trigger, "start");
    EXPECT_LE(*schedule.nextDeadline(), t0);
}

TEST_F(Schedule, ABurstOfChangesGivesOnePassOnceQuietForTheSettleTime) {
    schedule.changed(ServiceSchedule::kDrift, t0);
    schedule.changed(ServiceSchedule::kPolicyChange, t0 + 200ms);
    schedule.changed(ServiceSchedule::kDrift, t0 + 400ms);
    EXPECT_FALSE(schedule.due(t0 + 699ms));
    EXPECT_EQ(*schedule.nextDeadline(), t0 + 700ms);
    const auto due = schedule.due(t0 + 700ms);
    ASSERT_TRUE(due);
    EXPECT_EQ(due->trigger, "policy change");
    EXPECT_FALSE(due->onlyDrift);
    schedule.passSucceeded(t0 + 720ms, 60min, 0.0);
    EXPECT_FALSE(schedule.due(t0 + 800ms));
}

TEST_F(Schedule, ACompleteChangeIsDueAtOnce) {
    schedule.completed(ServiceSchedule::kPolicyChange, t0);
    const auto due = schedule.due(t0);
    ASSERT_TRUE(due);
    EXPECT_EQ(due->trigger, "policy change");
    EXPECT_EQ(*schedule.nextDeadline(), t0);
}

TEST_F(Schedule, AWriteInProgressWaitsForTheSettleTimeOrItsCompletion) {
    schedule.changed(ServiceSchedule::kPolicyChange, t0);
    EXPECT_FALSE(schedule.due(t0 + 100ms));
    // The write is closed: every change is now complete, nothing left to wait for.
    schedule.completed(ServiceSchedule::kDrift, t0 + 100ms);
    const auto due = schedule.due(t0 + 100ms);
    ASSERT_TRUE(due);
    EXPECT_EQ(due->trigger, "policy change");
}

TEST_F(Schedule, ACompleteChangeStillWaitsForTheRetryBackOff) {
    schedule.passFailed(t0);
    schedule.completed(ServiceSchedule::kDrift, t0 + 10ms);
    EXPECT_FALSE(schedule.due(t0 + 500ms));
    ASSERT_TRUE(schedule.due(t0 + 1s));
}

TEST_F(Schedule, OnlyDriftIsSaidSoAndCanBeDismissed) {
    schedule.changed(ServiceSchedule::kDrift, t0);
    const auto due = schedule.due(t0 + 300ms);
    ASSERT_TRUE(due);
    EXPECT_EQ(due->trigger, "drift");
    EXPECT_TRUE(due->onlyDrift);
    schedule.dismissed();
    EXPECT_FALSE(schedule.due(t0 + 1s));
    EXPECT_FALSE(schedule.nextDeadline());
}

TEST_F(Schedule, TimerFallsWithinTheIntervalPlusTenPercent) {
    schedule.passSucceeded(t0, 60min, 0.0);
    EXPECT_EQ(*schedule.nextDeadline(), t0 + 60min);
    schedule.passSucceeded(t0, 60min, 0.999);
    const auto next = *schedule.nextDeadline();
    EXPECT_GT(next, t0 + 65min);
    EXPECT_LT(next, t0 + 66min);
    EXPECT_FALSE(schedule.due(next - 1ms));
    ASSERT_TRUE(schedule.due(next));
    EXPECT_EQ(schedule.due(next)->trigger, "timer");
}

TEST_F(Schedule, FailuresBackOffDoublingUpToTheCapAndSuccessResets) {
    auto now = t0;
    std::vector<long long> delays;
    for (int i = 0; i < 12; ++i) {
        schedule.passFailed(now);
        delays.push_back(schedule.currentRetryDelay().count());
        now = *schedule.nextDeadline();
        ASSERT_TRUE(schedule.due(now));
        EXPECT_EQ(schedule.due(now)->trigger, "retry");
    }
    EXPECT_EQ(delays, (std::vector<long long>{1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000,
                                              256000, 300000, 300000, 300000}));
    schedule.passSucceeded(now, 60min, 0.0);
    EXPECT_FALSE(schedule.failing());
    schedule.passFailed(now);
    EXPECT_EQ(schedule.currentRetryDelay(), 1s);
}

TEST_F(Schedule, WhileFailingChangesWaitForTheRetryButASignalDoesNot) {
    schedule.passFailed(t0);  // retry at t0 + 1 s
    schedule.changed(ServiceSchedule::kPolicyChange, t0 + 100ms);
    EXPECT_FALSE(schedule.due(t0 + 500ms));
    EXPECT_EQ(*schedule.nextDeadline(), t0 + 1s);
    ASSERT_TRUE(schedule.due(t0 + 1s));
    EXPECT_EQ(schedule.due(t0 + 1s)->trigger, "policy change");
    schedule.passNow(ServiceSchedule::kSignal);
    ASSERT_TRUE(schedule.due(t0 + 200ms));
    EXPECT_EQ(schedule.due(t0 + 200ms)->trigger, "signal");
}

}  // namespace
}  // namespace mpa
