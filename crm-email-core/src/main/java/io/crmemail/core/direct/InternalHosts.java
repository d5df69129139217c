package io.crmemail.core.direct;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Recognises MX hosts on addresses no public mail server has: loopback, private (RFC 1918, IPv6 unique local),
 * link-local, wildcard and multicast. Direct delivery refuses them so that a recipient domain (or its DNS) cannot
 * point the server at itself or the internal network. The check resolves the name once; a DNS answer that changes
 * between this check and the connection (rebinding) is not covered.
 */
final class InternalHosts {

    private InternalHosts() {
    }

    /** The first internal address {@code host} resolves to, or null when none (or when it does not resolve). */
    static String internalAddress(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException | SecurityException e) {
            return null; // the connection attempt reports it as unreachable
        }
        for (InetAddress address : addresses) {
            if (isInternal(address)) {
                return address.getHostAddress();
            }
        }
        return null;
    }

    static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = a.getAddress();
        if (a instanceof Inet6Address) {
            return (bytes[0] & 0xfe) == 0xfc; // fc00::/7, unique local
        }
        // 100.64.0.0/10 (carrier-grade NAT) and 0.0.0.0/8 are not public either.
        return (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64 || bytes[0] == 0;
    }
}
