#!/usr/bin/perl
# Runs the `corralctl check` / `corralctl explain` scenarios in tests/cases/check/*.case.
# A case file (read by tests/lib/Cases.pm) holds: comment lines, then blocks
# started by "--- " lines:
#   --- file PATH [MODE]     contents of a config file (PATH relative to a temp dir)
#   --- dir PATH [MODE]      an (empty) directory
#   --- symlink PATH TARGET  a symbolic link
#   --- run ARGS...          corralctl ARGS (run in the temp dir), then:
#   --- expect exit N        the exit status and the exact stdout+stderr lines
use strict;
use warnings;
use File::Temp qw(tempdir);
use FindBin;
use lib "$FindBin::Bin/lib";
use Cases;

my $build = $ENV{CORRAL_BUILD} || 'build';
my $ctl = "$build/corralctl";
$ctl = "$ENV{PWD}/$ctl" unless $ctl =~ m{^/};
my @cases = Cases::list('check');

if ($> != 0) {
    print "1..0 # SKIP config files must be owned by root: run as root\n";
    exit 0;
}
print '1..', 2 * scalar(@cases), "\n";
my $n = 0;

for my $case (@cases) {
    my $dir = tempdir('corral-case-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    chmod 0755, $dir;
    my ($args, $want_exit, $want_out) = ('check -c corral.ini', 0, '');
    for my $b (@{ Cases::read_case($case)->{blocks} }) {
        next if Cases::make($dir, $b);
        if ($b->{kind} eq 'run') {
            $args = join ' ', @{ $b->{args} };
        } elsif ($b->{kind} eq 'expect') {
            $want_exit = $b->{args}[1];
            $want_out = $b->{text};
        } else {
            die "$case: unknown block '$b->{head}'";
        }
    }
    my $got = `cd '$dir' && '$ctl' $args 2>&1`;
    my $exit = $? >> 8;
    $n++;
    print(($exit == $want_exit ? 'ok' : 'not ok'), " $n - $case: exit $want_exit\n");
    print "#   got exit $exit\n" if $exit != $want_exit;
    $n++;
    if ($got eq $want_out) {
        print "ok $n - $case: output\n";
    } else {
        print "not ok $n - $case: output\n";
        print map { "#   want: $_\n" } split /\n/, $want_out;
        print map { "#   got:  $_\n" } split /\n/, $got;
    }
}
