#!/usr/bin/perl
# A stand-in syslog daemon for the tests: binds the datagram socket PATH
# (normally /dev/log, which must not exist), mode 0666, and appends every
# message it receives to LOG as one line. On SIGTERM it removes PATH (when
# it is still its own socket) and exits.
#
# usage: devlog.pl PATH LOG
use strict;
use warnings;
use IO::Socket::UNIX;
use IO::Handle;
use Socket qw(SOCK_DGRAM);

my ($path, $log) = @ARGV;
die "usage: devlog.pl PATH LOG\n" unless defined $log;
die "$path exists already\n" if -e $path || -l $path;
open my $out, '>>', $log or die "$log: $!\n";
$out->autoflush(1);
my $sock = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $path) or die "$path: $!\n";
chmod 0666, $path;
my @mine = (stat $path)[0, 1];

sub finish {
    my @now = (lstat $path)[0, 1];
    unlink $path if @now && $now[0] == $mine[0] && $now[1] == $mine[1];
    exit 0;
}
$SIG{TERM} = $SIG{INT} = $SIG{HUP} = \&finish;

while (1) {
    my $msg = '';
    next unless defined $sock->recv($msg, 65536);
    $msg =~ s/\0//g;
    $msg =~ s/\n+\z//;
    $msg =~ s/\n/ /g;
    print $out "$msg\n";
}
