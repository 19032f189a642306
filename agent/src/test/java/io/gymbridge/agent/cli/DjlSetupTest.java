package io.gymbridge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DjlSetupTest {
  @Test
  void theCnnGetsACorePerThreadUpToFourOnlyWhereOpenMpThreadsSleep() {
    assertEquals(2, DjlSetup.threadsFor(true, "PASSIVE", 2));
    assertEquals(2, DjlSetup.threadsFor(true, "passive", 2));
    assertEquals(DjlSetup.MAX_AUTO_THREADS, DjlSetup.threadsFor(true, "PASSIVE", 64));
    assertEquals(1, DjlSetup.threadsFor(true, null, 8)); // spinning threads: one
    assertEquals(1, DjlSetup.threadsFor(true, "ACTIVE", 8));
  }

  @Test
  void theMlpGetsOneThread() {
    assertEquals(1, DjlSetup.threadsFor(false, "PASSIVE", 8));
  }
}
