package palaver.runtime;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/** The command line of every Palaver jar, built from the {@link Setting} table. */
public final class CommandLineFlags {
  /** What parsing decided: either flags to run with, or an exit code. */
  public record Parsed(JsonObject flags, int exitCode) {
    public boolean run() {
      return flags != null;
    }
  }

  private CommandLineFlags() {
  }

  /** The version Maven built (written into version.properties at build time). */
  public static String version() {
    try (var in = CommandLineFlags.class.getResourceAsStream("version.properties")) {
      java.util.Properties p = new java.util.Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  public static Parsed parse(String program, String description, boolean standalone, String[] args,
      PrintWriter out, PrintWriter err) {
    CommandSpec spec = CommandSpec.create().name(program);
    spec.usageMessage().description(description)
        .footer("", "Every flag can also be set by env (PALAVER_HTTP_PORT, ...) or in the --config file;",
            "precedence: defaults < file < env < flags.");
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("print this help").build());
    spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).description("print the version").build());
    spec.version(program + " (Palaver) " + version());
    for (Setting s : Setting.values()) {
      if (s.flag() == null || (s.standaloneOnly() && !standalone)) {
        continue;
      }
      OptionSpec.Builder option = OptionSpec.builder(s.flag()).type(s.type())
          .description(s.description() + " (env " + s.env()
              + (s.defaultValue() == null ? "" : ", default " + s.defaultValue()) + ")");
      if (s.type() == Boolean.class) {
        option.arity("0..1").fallbackValue("true");
      } else {
        option.paramLabel(s.type() == Integer.class ? "N" : "VALUE");
      }
      spec.addOption(option.build());
    }
    CommandLine cli = new CommandLine(spec).setOut(out).setErr(err);
    try {
      ParseResult result = cli.parseArgs(args);
      if (result.isUsageHelpRequested()) {
        cli.usage(out);
        return new Parsed(null, 0);
      }
      if (result.isVersionHelpRequested()) {
        cli.printVersionHelp(out);
        return new Parsed(null, 0);
      }
      JsonObject flags = new JsonObject();
      for (Setting s : Setting.values()) {
        if (s.flag() != null && result.hasMatchedOption(s.flag())) {
          flags.put(s.key(), (Object) result.matchedOptionValue(s.flag(), null));
        }
      }
      return new Parsed(flags, 0);
    } catch (CommandLine.ParameterException e) {
      err.println(program + ": " + e.getMessage());
      err.println("Try '" + program + " --help' for the flags.");
      return new Parsed(null, 2);
    }
  }
}
