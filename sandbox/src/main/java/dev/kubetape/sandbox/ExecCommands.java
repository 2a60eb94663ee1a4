package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few programs a sandbox container can run under {@code kubectl exec}: {@code echo},
 * {@code env}/{@code printenv}, {@code hostname}, {@code cat} (of mounted ConfigMap and Secret
 * keys, {@code /etc/hostname}, or stdin), {@code true}, {@code false}, and {@code sh -c} with a
 * script of those joined by {@code ;} and {@code &&}, plus {@code exit N}. Enough for stdin,
 * stdout, stderr and exit codes to travel as they do on a real cluster.
 */
final class ExecCommands {
  private ExecCommands() {}

  /** Where a command's output goes; {@code exit} ends the session. */
  interface Io {
    void stdout(String text);

    void stderr(String text);

    /** The process ended with {@code code}; {@code failure} is set when it could not run. */
    void exit(int code, String failure);
  }

  /** A running command. Interactive {@code cat} waits for stdin; everything else ends at once. */
  static final class Session {
    private final List<String> command;
    private final ObjectNode pod;
    private final String container;
    private final Registry registry;
    private final Io io;
    private final boolean stdin;
    private boolean done;

    Session(List<String> command, ObjectNode pod, String container, Registry registry, Io io,
        boolean stdin) {
      this.command = command;
      this.pod = pod;
      this.container = container;
      this.registry = registry;
      this.io = io;
      this.stdin = stdin;
    }

    synchronized void begin() {
      if (stdin && command.size() == 1 && command.get(0).equals("cat")) {
        return; // echoes stdin until it closes
      }
      Shell shell = new Shell();
      int code = shell.run(command);
      finish(code, shell.failure);
    }

    synchronized void stdin(String text) {
      if (!done && command.size() == 1 && command.get(0).equals("cat")) {
        io.stdout(text);
      }
    }

    synchronized void stdinClosed() {
      if (!done && command.size() == 1 && command.get(0).equals("cat")) {
        finish(0, null);
      }
    }

    private void finish(int code, String failure) {
      if (!done) {
        done = true;
        io.exit(code, failure);
      }
    }

    /** Runs programs and tiny scripts against the pod's view of the world. */
    private final class Shell {
      private String failure;

      int run(List<String> argv) {
        String program = argv.get(0);
        List<String> args = argv.subList(1, argv.size());
        switch (program) {
          case "echo" -> {
            io.stdout(String.join(" ", args) + "\n");
            return 0;
          }
          case "true" -> {
            return 0;
          }
          case "false" -> {
            return 1;
          }
          case "hostname" -> {
            io.stdout(Json.text(pod, "metadata", "name") + "\n");
            return 0;
          }
          case "env", "printenv" -> {
            Map<String, String> env = environment();
            if (program.equals("printenv") && !args.isEmpty()) {
              String value = env.get(args.get(0));
              if (value == null) {
                return 1;
              }
              io.stdout(value + "\n");
              return 0;
            }
            StringBuilder text = new StringBuilder();
            env.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            io.stdout(text.toString());
            return 0;
          }
          case "cat" -> {
            int code = 0;
            for (String file : args) {
              String content = file(file);
              if (content == null) {
                io.stderr("cat: " + file + ": No such file or directory\n");
                code = 1;
              } else {
                io.stdout(content);
              }
            }
            return code;
          }
          case "sh", "/bin/sh", "bash", "/bin/bash" -> {
            if (args.size() >= 2 && args.get(0).equals("-c")) {
              return script(args.get(1));
            }
            io.stderr(program + ": only 'sh -c SCRIPT' is available in this container\n");
            return 2;
          }
          default -> {
            failure = "Internal error occurred: error executing command in container: failed to"
                + " exec in container: failed to start exec: OCI runtime exec failed: exec failed:"
                + " unable to start container process: exec: \"" + program
                + "\": executable file not found in $PATH: unknown";
            return 1;
          }
        }
      }

      private int script(String script) {
        int code = 0;
        for (String statement : script.split(";")) {
          String[] chain = statement.split("&&");
          for (String part : chain) {
            List<String> words = words(part.trim());
            if (words.isEmpty()) {
              continue;
            }
            if (words.get(0).equals("exit")) {
              return words.size() > 1 ? Integer.parseInt(words.get(1)) & 0xff : code;
            }
            code = run(words);
            if (failure != null) {
              failure = null;
              io.stderr("sh: " + words.get(0) + ": not found\n");
              code = 127;
            }
            if (code != 0) {
              break;
            }
          }
        }
        return code;
      }
    }

    /** The container's environment: what the kubelet would set, then the pod's env entries. */
    private Map<String, String> environment() {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
      env.put("HOSTNAME", Json.text(pod, "metadata", "name"));
      JsonNode spec = containerSpec();
      for (JsonNode entry : spec.path("env")) {
        String name = entry.path("name").asText();
        if (entry.has("value")) {
          env.put(name, entry.get("value").asText());
        } else if (entry.has("valueFrom")) {
          String value = valueFrom(entry.get("valueFrom"));
          if (value != null) {
            env.put(name, value);
          }
        }
      }
      env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
      env.put("KUBERNETES_SERVICE_PORT", "443");
      env.put("HOME", "/root");
      return env;
    }

    private String valueFrom(JsonNode valueFrom) {
      JsonNode configMap = valueFrom.get("configMapKeyRef");
      if (configMap != null) {
        return key("configmaps", configMap.path("name").asText(), configMap.path("key").asText(), false);
      }
      JsonNode secret = valueFrom.get("secretKeyRef");
      if (secret != null) {
        return key("secrets", secret.path("name").asText(), secret.path("key").asText(), true);
      }
      JsonNode field = valueFrom.get("fieldRef");
      if (field != null) {
        String path = field.path("fieldPath").asText();
        return switch (path) {
          case "metadata.name" -> Json.text(pod, "metadata", "name");
          case "metadata.namespace" -> Json.text(pod, "metadata", "namespace");
          case "metadata.uid" -> Json.text(pod, "metadata", "uid");
          case "spec.nodeName" -> Json.text(pod, "spec", "nodeName");
          case "status.podIP" -> Json.text(pod, "status", "podIP");
          default -> "";
        };
      }
      return null;
    }

    private String key(String resource, String name, String key, boolean base64) {
      ResourceType type = registry.resources().find("", "v1", resource).orElseThrow();
      ObjectNode object = registry.store().get(type, Json.text(pod, "metadata", "namespace"), name);
      if (object == null) {
        return null;
      }
      JsonNode value = object.path("data").get(key);
      if (value == null) {
        return null;
      }
      return base64 ? new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8)
          : value.asText();
    }

    private JsonNode containerSpec() {
      for (String list : new String[] {"containers", "initContainers"}) {
        for (JsonNode c : pod.path("spec").path(list)) {
          if (container.equals(c.path("name").asText())) {
            return c;
          }
        }
      }
      return Json.object();
    }

    /** A file as the container sees it: a key of a mounted ConfigMap or Secret, or /etc/hostname. */
    private String file(String path) {
      if (path.equals("/etc/hostname")) {
        return Json.text(pod, "metadata", "name") + "\n";
      }
      for (JsonNode mount : containerSpec().path("volumeMounts")) {
        String mountPath = mount.path("mountPath").asText();
        if (!path.startsWith(mountPath + "/")) {
          continue;
        }
        String relative = path.substring(mountPath.length() + 1);
        JsonNode volume = volume(mount.path("name").asText());
        if (volume == null) {
          continue;
        }
        if (volume.has("configMap")) {
          return projected(volume.get("configMap"), "configmaps", relative, false);
        }
        if (volume.has("secret")) {
          JsonNode source = volume.get("secret");
          ObjectNode renamed = Json.object();
          renamed.put("name", source.path("secretName").asText());
          if (source.has("items")) {
            renamed.set("items", source.get("items"));
          }
          return projected(renamed, "secrets", relative, true);
        }
      }
      return null;
    }

    private String projected(JsonNode source, String resource, String relative, boolean base64) {
      String name = source.path("name").asText();
      if (source.has("items")) {
        for (JsonNode item : source.get("items")) {
          if (relative.equals(item.path("path").asText())) {
            return key(resource, name, item.path("key").asText(), base64);
          }
        }
        return null;
      }
      return key(resource, name, relative, base64);
    }

    private JsonNode volume(String name) {
      for (JsonNode volume : pod.path("spec").path("volumes")) {
        if (name.equals(volume.path("name").asText())) {
          return volume;
        }
      }
      return null;
    }
  }

  static Session start(List<String> command, ObjectNode pod, String container, Registry registry,
      Io io, boolean stdin) {
    return new Session(command, pod, container, registry, io, stdin);
  }

  /** Splits a shell statement into words, honouring single and double quotes. */
  static List<String> words(String statement) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    char quote = 0;
    boolean inWord = false;
    for (char c : statement.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
