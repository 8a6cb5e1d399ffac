// Starts AWS's DynamoDB Local bound to 127.0.0.1 only. The jar has no -host
// flag (its Jetty server listens on every interface), so we build the server
// the way its own main does, set each connector's host, then start it.
// Run in source-file mode (`java -cp DynamoDBLocal.jar LoopbackDynamoDBLocal.java
// -port P ...`), which a JRE can do: no javac needed. Reflection keeps it free of
// compile-time dependencies on the jar's classes.
//
// It also exits when its stdin closes, so a parent killed with SIGKILL does not
// leave an orphaned engine holding the port and the database files.
import java.lang.reflect.Field;

public class LoopbackDynamoDBLocal {
  public static void main(String[] args) throws Exception {
    Class<?> runner = Class.forName("com.amazonaws.services.dynamodbv2.local.main.ServerRunner");
    Object proxy = runner.getMethod("createServerFromCommandLineArgs", String[].class)
        .invoke(null, (Object) args);
    Field field = proxy.getClass().getDeclaredField("server");
    field.setAccessible(true);
    Object server = field.get(proxy);
    Object[] connectors = (Object[]) server.getClass().getMethod("getConnectors").invoke(server);
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector");
    for (Object connector : connectors) {
      connector.getClass().getMethod("setHost", String.class).invoke(connector, "127.0.0.1");
    }
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() != -1) {}
      } catch (Exception ignored) {
      }
      System.exit(0);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    proxy.getClass().getMethod("start").invoke(proxy);
    System.out.println("DynamoDB Local listening on 127.0.0.1");
    proxy.getClass().getMethod("join").invoke(proxy);
  }
}
