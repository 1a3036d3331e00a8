package palaver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ServerCpu: CPU per send from /proc per thread")
class ServerCpuTest {
  @Test
  @DisplayName("A busy thread's CPU time shows in the sample of its process")
  void busyThreadIsCounted() throws Exception {
    ServerCpu cpu = ServerCpu.of(Long.toString(ProcessHandle.current().pid()));
    ServerCpu.Sample before = cpu.sample();
    long until = System.nanoTime() + 500_000_000L;
    long spins = 0;
    while (System.nanoTime() < until) {
      spins++;
    }
    ServerCpu.Sample used = cpu.sample().minus(before);
    assertTrue(spins > 0);
    // 500 ms of spinning on a 2-core machine shared with others: well over 100 ms of CPU, never more than wall time x cores.
    assertTrue(used.totalMs() >= 100, "counted " + used.totalMs() + " ms");
    assertTrue(used.totalMs() <= 500.0 * Runtime.getRuntime().availableProcessors() + 100, "counted " + used.totalMs() + " ms");
  }

  @Test
  @DisplayName("Per send is the CPU over the sends, with the JIT's and GC's shares of it")
  void perSend() {
    JsonObject r = ServerCpu.perSend(new ServerCpu.Sample(400, 100, 40), 200);
    assertEquals(2.0, r.getDouble("perSendMs"), 1e-9);
    assertEquals(0.25, r.getDouble("jitShare"), 1e-9);
    assertEquals(0.10, r.getDouble("gcShare"), 1e-9);
    assertEquals(0.0, ServerCpu.perSend(new ServerCpu.Sample(0, 0, 0), 0).getDouble("perSendMs"));
  }

  @Test
  @DisplayName("Several pids are summed and no pid means no measurement")
  void pids() {
    assertNull(ServerCpu.of(null));
    assertNull(ServerCpu.of(" "));
    String self = Long.toString(ProcessHandle.current().pid());
    assertTrue(ServerCpu.of(self + "," + self).sample().totalMs() >= ServerCpu.of(self).sample().totalMs());
  }
}
