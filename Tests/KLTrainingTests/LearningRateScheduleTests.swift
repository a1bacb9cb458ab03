import Testing
@testable import KLTraining

@Suite struct LearningRateScheduleTests {
    @Test func warmupRsqrtFollowsLRA() {
        let schedule = LearningRateSchedule.warmupRsqrt(base: 5e-3, warmup: 1000)
        #expect(schedule.rate(atStep: 0) == 0)
        #expect(abs(schedule.rate(atStep: 500) - 5e-3 * 0.5 / 1000.0.squareRoot()) < 1e-12)
        #expect(abs(schedule.rate(atStep: 1000) - 5e-3 / 1000.0.squareRoot()) < 1e-12)   // spec §6: base/√W at W
        #expect(abs(schedule.rate(atStep: 4000) - 5e-3 / 4000.0.squareRoot()) < 1e-12)
    }

    @Test func warmupCosineRisesThenDecaysToZero() {
        let schedule = LearningRateSchedule.warmupCosine(peak: 1e-3, warmup: 10, total: 110)
        #expect(schedule.rate(atStep: 9) == 1e-3)
        #expect(abs(schedule.rate(atStep: 60) - 0.5e-3) < 1e-12)
        #expect(schedule.rate(atStep: 110) < 1e-12)
    }
}
