package atg.neo4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.Version;

/**
 * Starts an embedded Neo4j Community DBMS with only the Bolt connector, for ATG development and
 * tests. Authentication is on: user neo4j, password from NEO4J_PASSWORD (default atg-local-dev),
 * applied at every start through the system database.
 *
 * <p>Usage: {@code java -jar atg-neo4j-launcher.jar [boltPort [homeDir]]}; environment:
 * NEO4J_BOLT_PORT (7687), NEO4J_BOLT_HOST (127.0.0.1), NEO4J_HOME_DIR (.data/neo4j),
 * NEO4J_PASSWORD, NEO4J_PAGECACHE_MB (256). Prints one line starting with "atg-neo4j: ready" when
 * Bolt accepts authenticated clients; stops cleanly on SIGTERM/SIGINT.
 */
public final class Launcher {
    private Launcher() {}

    private static String env(String key, String def) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? def : v.trim();
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args.length > 0 ? args[0] : env("NEO4J_BOLT_PORT", "7687"));
        Path home = Path.of(args.length > 1 ? args[1] : env("NEO4J_HOME_DIR", ".data/neo4j")).toAbsolutePath();
        String host = env("NEO4J_BOLT_HOST", "127.0.0.1");
        String password = env("NEO4J_PASSWORD", "atg-local-dev");
        long pageCacheMb = Long.parseLong(env("NEO4J_PAGECACHE_MB", "256"));

        long t0 = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // Keep only the transaction logs recovery needs, pruned at a checkpoint every
                // minute: Neo4j's default keeps two days of them, and a few benchmark runs (each
                // writes and deletes ~10 GB of 1-kB nodes and edges) filled the disk, after
                // which the database panicked and its last log could not be recovered.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                .setConfig(GraphDatabaseSettings.check_point_interval_time, Duration.ofMinutes(1))
                // Netty's default 5 s quiet period per connector makes every shutdown take 10 s.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("atg-neo4j: shutting down");
            try {
                dbms.shutdown();
            } catch (RuntimeException e) {
                System.err.println("atg-neo4j: shutdown: " + e);
            }
            System.out.println("atg-neo4j: stopped");
            System.out.flush();
            stopped.countDown();
        }, "atg-neo4j-shutdown"));

        setPassword(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), password);

        System.out.printf("atg-neo4j: ready bolt://%s:%d (Neo4j %s Community, home %s, started in %d ms)%n",
                host, port, Version.getNeo4jVersion(), home, (System.nanoTime() - t0) / 1_000_000);
        System.out.flush();
        stopped.await();
    }

    /** Sets neo4j's password and clears "change required"; idempotent across restarts. */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            // Neo4j refuses to "change" a password to the one already set; that is the state we want.
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            }
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED");
        }
    }
}
