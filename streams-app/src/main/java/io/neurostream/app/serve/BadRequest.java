// A request the server refuses: its HTTP status and a one-line message naming the field and the value.
package io.neurostream.app.serve;

final class BadRequest extends Exception {
    final int status;

    BadRequest(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
