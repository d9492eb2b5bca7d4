import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Starts Amazon DynamoDB Local listening on one address and port that this launcher sets, then prints the port it
 * holds.
 *
 * DynamoDB Local has no option for its listening address: its Jetty server binds every network interface, and it
 * checks no credential, so anyone on the same network could read or rewrite the whole table. Nor does it take port 0
 * (any free port): a port picked free beforehand by its parent could be taken by another process before the JVM,
 * which starts in seconds, binds it, and the parent would then take that other process for its DynamoDB Local. This
 * launcher builds the server from the usual command line (ServerRunner), sets the host and port of its connectors,
 * starts it, and prints `__LISTENING__=<host>:<port>` with the port the connector actually holds: the parent reads
 * its endpoint from this process, not from whoever answers on a port. It uses reflection only, so it compiles without
 * DynamoDB Local on the class path.
 *
 * Usage: java -cp <this class's folder>:DynamoDBLocal.jar LoopbackLauncher <host> <port, 0: any free port>
 *        <DynamoDB Local arguments but -port...>
 */
public final class LoopbackLauncher {
  private LoopbackLauncher() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length < 2) {
      System.err.println("usage: LoopbackLauncher <host> <port> <DynamoDB Local arguments...>");
      System.exit(2);
    }
    String host = argv[0];
    int port = Integer.parseInt(argv[1]);
    // A port given is passed on too, so that DynamoDB Local's banner shows it (with 0 it shows its default)
    String[] args = new String[argv.length - 2 + (port > 0 ? 2 : 0)];
    System.arraycopy(argv, 2, args, 0, argv.length - 2);
    if (port > 0) {
      args[args.length - 2] = "-port";
      args[args.length - 1] = String.valueOf(port);
    }

    Class<?> runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner");
    Object proxy = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) args);
    Field field = proxy.getClass().getDeclaredField("server");
    field.setAccessible(true);
    Object jetty = field.get(proxy);
    Object[] connectors = (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty);
    if (connectors.length != 1) {
      System.err.println("LoopbackLauncher: expected one network connector, found " + connectors.length);
      System.exit(3);
    }
    Object connector = connectors[0];
    connector.getClass().getMethod("setHost", String.class).invoke(connector, host);
    connector.getClass().getMethod("setPort", int.class).invoke(connector, port);
    proxy.getClass().getMethod("start").invoke(proxy);
    Method localPort = connector.getClass().getMethod("getLocalPort");
    System.out.println("__LISTENING__=" + host + ":" + localPort.invoke(connector));
    System.out.flush();
  }
}
