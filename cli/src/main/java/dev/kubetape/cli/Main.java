package dev.kubetape.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kubetape} command: every subcommand is wired here, by hand, from its options. */
@Command(name = "kubetape", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A flight recorder for Kubernetes deploys.",
    subcommands = {SandboxCommand.class, ProxyCommand.class, RolloutsCommand.class, SearchCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    CommandLine line = new CommandLine(new Main());
    line.setParameterExceptionHandler(Main::badUsage);
    line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      commandLine.getErr().println("kubetape: " + Errors.describe(e));
      return 1;
    });
    System.exit(line.execute(args));
  }

  /** One plain sentence for bad usage, with where to read more; never a stack trace. */
  private static int badUsage(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    command.getErr().println("kubetape: " + e.getMessage() + " (see '"
        + command.getCommandSpec().qualifiedName() + " --help')");
    return 2;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version this jar was built as. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"kubetape " + (version == null ? "development build" : version)};
    }
  }
}
