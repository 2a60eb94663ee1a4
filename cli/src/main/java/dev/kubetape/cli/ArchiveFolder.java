package dev.kubetape.cli;

import dev.kubetape.recorder.Archive;
import dev.kubetape.recorder.LuceneArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --archive DIR} of the one-shot commands: read-only, safe beside a proxy writing to it. */
final class ArchiveFolder {
  @Option(names = "--archive", paramLabel = "DIR",
      description = "The archive to read (default: ~/.kubetape/archive); a copied folder works too.")
  Path folder;

  Archive open() throws IOException {
    Path archive = folder != null ? folder : Path.of(System.getProperty("user.home"), ".kubetape", "archive");
    if (!Files.isDirectory(archive.resolve("journal")) && !Files.isDirectory(archive.resolve("index"))) {
      throw new IllegalArgumentException("there is no kubetape archive at " + archive + "; point --archive at the"
          + " folder a 'kubetape proxy --archive DIR' writes (or a copy of it)");
    }
    return LuceneArchive.readOnly(archive);
  }
}
