package dev.kubetape.cli;

/** Turns an exception into the one sentence a user reads. */
final class Errors {
  private Errors() {}

  static String describe(Throwable e) {
    Throwable at = e;
    while (at.getMessage() == null && at.getCause() != null) {
      at = at.getCause();
    }
    String message = at.getMessage();
    return message == null ? at.getClass().getSimpleName() : message;
  }
}
