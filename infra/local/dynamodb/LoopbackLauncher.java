import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Starts Amazon DynamoDB Local listening on one address only (127.0.0.1 by default).
 *
 * DynamoDB Local has no option for its listening address: its Jetty server binds every network interface, and it
 * checks no credential, so anyone on the same network could read or rewrite the whole table. This launcher builds
 * the server from the usual command line (ServerRunner), sets the host of its connectors, then starts it. It uses
 * reflection only, so it compiles without DynamoDB Local on the class path.
 *
 * Usage: java -cp <this class's folder>:DynamoDBLocal.jar LoopbackLauncher <host> <DynamoDB Local arguments...>
 */
public final class LoopbackLauncher {
  private LoopbackLauncher() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length < 1) {
      System.err.println("usage: LoopbackLauncher <host> <DynamoDB Local arguments...>");
      System.exit(2);
    }
    String host = argv[0];
    String[] args = new String[argv.length - 1];
    System.arraycopy(argv, 1, args, 0, args.length);

    Class<?> runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner");
    Object proxy = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) args);
    Field field = proxy.getClass().getDeclaredField("server");
    field.setAccessible(true);
    Object jetty = field.get(proxy);
    Object[] connectors = (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty);
    int bound = 0;
    for (Object connector : connectors) {
      Method setHost = connector.getClass().getMethod("setHost", String.class);
      setHost.invoke(connector, host);
      bound += 1;
    }
    if (bound == 0) {
      System.err.println("LoopbackLauncher: no network connector found; refusing to start on every interface");
      System.exit(3);
    }
    proxy.getClass().getMethod("start").invoke(proxy);
    System.out.println("__LISTENING_HOST__=" + host);
  }
}
