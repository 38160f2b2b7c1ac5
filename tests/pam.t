#!/usr/bin/perl
# pam_corral through libpam, one scenario per tests/cases/pam/*.case, driven
# by build/pam_driver (pam_start_confdir with the case's own PAM service
# file; syslog is intercepted and printed as "log: " lines, what the module
# tells the user as "conv: error: " / "conv: info: " lines). Every case runs
# twice: plainly, then under valgrind (no invalid access, no definite or
# indirect leak, no file descriptor left open but 0-2).
#
# Test users, made here and removed on exit: crpam1 (login shell
# /usr/bin/corral-shell), crpam2 (/bin/bash), crpam3 (corral-shell, in the
# group crpamadm). Each run is
#   pam_driver -d @DIR@/pam -s SERVICE -u USER -r @DIR@/run [-- /bin/sh -c RUN]
#
# Case file format (plain text, one case per file; read by tests/lib/Cases.pm):
#
#   # First comment line: what the case shows. More comment lines may follow.
#   service SERVICE          PAM service name (the service file is written for it)
#   user USER                the user the driver opens the session for
#   args ARG...              module arguments after "session required .../pam_corral.so"
#   stack PAM-LINE           optional, repeatable: more lines for the service file, after
#                            the module's; @MODULE@ is build/pam_corral.so
#   run SHELL-COMMAND        optional: run as USER inside the session (/bin/sh -c)
#   setup SHELL-COMMAND      optional, repeatable: run as root in the case's
#                            directory after the files are written, before the driver
#   check SHELL-COMMAND      optional, repeatable: run as root in the case's directory
#                            after the driver (whose output is in @DIR@/stdout); each
#                            output line is added to the driver's output as "check: LINE"
#   timeout SECONDS          optional: the driver's time limit (default 10; the
#                            valgrind run gets 60 more)
#   valgrind skip REASON     optional: do not run this case under valgrind (a "# skip"
#                            in TAP with REASON); only for what valgrind cannot run
#   --- file PATH [MODE]     the lines up to the next "---" are the contents of PATH,
#                            relative to the case's directory (default mode 0644)
#   --- expect               glob patterns, one a line, that must match lines of the
#                            driver's output in this order (other lines may come between)
#   --- reject               glob patterns no line of the output may match
#
# Substitutions everywhere: @DIR@ is the case's directory (root-owned, 0755,
# under /var/lib: a private /tmp would hide one in /tmp from the session),
# which also holds pam/ (the PAM service files) and, if the module makes them,
# run/ (the session records, rundir=@DIR@/run) and tmp/ (tmpdir=@DIR@/tmp).
# In patterns only "*" is special (any text, also none); "{ID}" matches a
# session id (32 hex digits) and must be the same session id every time it
# appears in a case, so "session=..." in the log and CORRAL_SESSION are
# checked to name one session.
#
# Beyond the case's own expectations, every run checks: the driver exits 0
# within its time limit, writes nothing on stderr and, without a command,
# nothing on stdout but its own "name: value" lines (the module never writes
# to stdout/stderr, only through pam_syslog), and leaves nothing behind: no
# session record in @DIR@/run/sessions and no new cgroup under
# /sys/fs/cgroup/*/corral/ (of this case's session, or empty) once it (and
# a session keeper) has exited.
use strict;
use warnings;
use File::Temp qw(tempdir);
use File::Path qw(make_path remove_tree);
use File::Basename qw(dirname basename);
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(time sleep);
use FindBin;
use lib "$FindBin::Bin/lib";
use Cases;

my $build = $ENV{CORRAL_BUILD} || 'build';
$build = "$ENV{PWD}/$build" unless $build =~ m{^/};
my $driver = "$build/pam_driver";
my $module = "$build/pam_corral.so";
my @cases = Cases::list('pam');

if ($> != 0) {
    print "1..0 # SKIP creates users and needs root-owned config files: run as root\n";
    exit 0;
}

# throwaway users: crpam1 (corral-shell), crpam2 (bash), crpam3 (in crpamadm)
my @users = qw(crpam1 crpam2 crpam3);
my $group = 'crpamadm';
my $owner = $$;
our $base;
sub quiet { system("@_ >/dev/null 2>&1") }
sub cleanup {
    return unless $$ == $owner;
    for my $u (@users) {
        quiet("pkill -KILL -u $u");
        quiet("userdel -r $u");
    }
    quiet("groupdel $group");
    remove_tree($base) if $base;
}
END { my $status = $?; cleanup(); $? = $status; }
$SIG{INT} = $SIG{TERM} = $SIG{HUP} = sub { exit 1 };

cleanup();
quiet("groupadd $group") == 0 or die "groupadd $group failed\n";
# useradd warns that /usr/bin/corral-shell is missing when it is not installed
quiet("useradd -m -s /usr/bin/corral-shell crpam1") == 0 or die "useradd crpam1 failed\n";
quiet("useradd -m -s /bin/bash crpam2") == 0 or die "useradd crpam2 failed\n";
quiet("useradd -m -s /usr/bin/corral-shell -G $group crpam3") == 0 or die "useradd crpam3 failed\n";

sub parse_case {
    my ($path) = @_;
    my $case = Cases::read_case($path);
    my %c = (path => $path, name => $case->{name}, setup => [], check => [], stack => [], files => [],
             expect => [], reject => [], timeout => 10);
    for my $line (@{ $case->{preamble} }) {
        if ($line =~ /^#/ || $line =~ /^\s*$/) {
            $c{what} //= ($line =~ /^#\s*(.*)/)[0] if $line =~ /^#/;
        } elsif ($line =~ /^(service|user|args|run|timeout)\s+(.*)$/) {
            $c{$1} = $2;
        } elsif ($line =~ /^(setup|check|stack)\s+(.*)$/) {
            push @{ $c{$1} }, $2;
        } elsif ($line =~ /^valgrind\s+skip\s+(.*)$/) {
            $c{valgrind_skip} = $1;
        } else {
            die "$path: cannot read '$line'\n";
        }
    }
    for my $b (@{ $case->{blocks} }) {
        if ($b->{kind} eq 'file') {
            push @{ $c{files} }, $b;
        } elsif ($b->{kind} eq 'expect' || $b->{kind} eq 'reject') {
            push @{ $c{ $b->{kind} } }, Cases::lines($b);
        } else {
            die "$path: unknown block '--- $b->{kind}'\n";
        }
    }
    for my $k (qw(service user args what)) { die "$path: no '$k'\n" unless defined $c{$k} }
    return \%c;
}

sub cgroups {
    my %seen;
    $seen{$_} = 1 for grep { -d } glob('/sys/fs/cgroup/*/corral/*');
    return \%seen;
}

# glob pattern -> regex; {ID} captures a session id, later ones must repeat it
sub pattern_regex {
    my ($pattern, $id) = @_;
    my $re = '';
    for my $part (split /(\*|\{ID\})/, $pattern) {
        if ($part eq '*') { $re .= '.*' }
        elsif ($part eq '{ID}') { $re .= defined $$id ? quotemeta($$id) : '([0-9a-f]{32})' }
        else { $re .= quotemeta($part) }
    }
    return qr/^$re$/;
}

sub slurp {
    my ($file) = @_;
    open my $fh, '<', $file or return '';
    local $/;
    my $text = <$fh>;
    return $text // '';
}

# Runs argv with stdout/stderr to files and every fd above 2 closed.
sub run_to_files {
    my ($argv, $out, $err) = @_;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', $out or POSIX::_exit(125);
        open STDERR, '>', $err or POSIX::_exit(125);
        POSIX::close($_) for 3 .. 1023;
        exec @$argv or POSIX::_exit(127);
    }
    waitpid($pid, 0);
    return $? & 127 ? 128 + ($? & 127) : $? >> 8;
}

# One run of a case: 0 or more problems (strings); valgrind's log in $vglog.
sub run_case {
    my ($c, $valgrind) = @_;
    my @problems;
    my $dir = tempdir('corral-pam-XXXXXX', DIR => $base, CLEANUP => 0);
    chmod 0755, $dir;
    my $sub = sub { my $s = shift; $s =~ s/\@DIR\@/$dir/g; $s =~ s/\@MODULE\@/$module/g; $s };
    make_path("$dir/pam", { mode => 0755 });
    chmod 0755, "$dir/pam";
    open my $pam, '>', "$dir/pam/$c->{service}" or die "$dir/pam: $!";
    print $pam "session required $module " . $sub->($c->{args}) . "\n";
    print $pam $sub->($_) . "\n" for @{ $c->{stack} };
    close $pam;
    open my $other, '>', "$dir/pam/other" or die;
    print $other "session required pam_permit.so\n";
    close $other;
    chmod 0644, "$dir/pam/$c->{service}", "$dir/pam/other";
    Cases::make($dir, $_, $sub) for @{ $c->{files} };
    for my $cmd (@{ $c->{setup} }) {
        system('/bin/sh', '-c', "cd '$dir' && " . $sub->($cmd)) == 0 or push @problems, "setup failed: $cmd";
    }
    my $before = cgroups();
    my @argv = ($driver, '-d', "$dir/pam", '-s', $c->{service}, '-u', $c->{user}, '-r', "$dir/run");
    push @argv, '--', '/bin/sh', '-c', $sub->($c->{run}) if defined $c->{run};
    my $limit = $c->{timeout};
    my $vglog = "$dir/valgrind.log";
    if ($valgrind) {
        $limit += 60;
        unshift @argv, 'valgrind', '--quiet', '--error-exitcode=99', '--leak-check=full',
            '--errors-for-leak-kinds=definite,indirect', '--track-fds=yes', "--log-file=$vglog";
    }
    my $started = time;
    my $status = run_to_files(['timeout', $limit, @argv], "$dir/stdout", "$dir/stderr");
    my $took = time - $started;
    my @out = split /\n/, slurp("$dir/stdout");
    my $err = slurp("$dir/stderr");
    for my $cmd (@{ $c->{check} }) {
        push @out, map { "check: $_" } split /\n/, `cd '$dir' && { @{[ $sub->($cmd) ]} ; } 2>&1`;
    }
    push @problems, sprintf('timed out after %.1fs', $took) if $status == 124;
    push @problems, "valgrind found errors (exit 99)" if $valgrind && $status == 99;
    push @problems, "driver exit status $status" if $status != 0 && $status != 124 && $status != 99;
    push @problems, map { "stderr: $_" } split /\n/, $err if length $err;
    # without a command every line is the driver's own
    push @problems, map { "stdout line not from the driver: $_" }
        grep { !/^(start|log|conv|open|env|record|status|close|record-after-close|check): / } @out
        unless defined $c->{run};

    # the expected lines, in order
    my ($id, $i) = (undef, 0);
    for my $want (@{ $c->{expect} }) {
        my $pattern = $sub->($want);
        my $found;
        while ($i < @out) {
            my $re = pattern_regex($pattern, \$id);
            if (my @m = $out[$i++] =~ $re) {
                $id //= $m[0] if $pattern =~ /\{ID\}/;
                $found = 1;
                last;
            }
        }
        push @problems, "no line (in order) matching: $pattern" unless $found;
    }
    for my $bad (@{ $c->{reject} }) {
        my $re = pattern_regex($sub->($bad), \$id);
        push @problems, "unwanted line: $_" for grep { $_ =~ $re } @out;
    }

    # nothing left behind (a keeper cleans up after the driver has exited):
    # a new cgroup counts when it is this case's session (its id was printed)
    # or empty (a refused session's); one with processes in it belongs to
    # whatever else runs on the host meanwhile
    my %ours = map { /([0-9a-f]{32})/ ? ($1 => 1) : () } grep { /^(env|log): / } @out;
    my ($records, $new);
    for (my $wait = 0; $wait < 50; $wait++) {
        my $now = cgroups();
        $new = [ grep { !$before->{$_} && ($ours{ basename($_) } || slurp("$_/cgroup.procs") eq '') } sort keys %$now ];
        $records = [ glob("$dir/run/sessions/*") ];
        last unless @$new || @$records;
        sleep 0.1;
    }
    push @problems, map { "left behind: $_" } @$records, @$new;
    for my $cg (grep { $ours{ basename($_) } } @$new) { rmdir $cg }

    if ($valgrind) {
        # valgrind opened its log file before the driver started, so it lists
        # it as inherited: only that fd may be open besides 0-2
        my @log = split /\n/, slurp($vglog);
        my (@left, $skip);
        for my $line (@log) {
            my $text = $line =~ s/^==\d+==\s?//r;
            if ($text =~ /^FILE DESCRIPTORS: (\d+) open \(3 std\) at exit\.$/) {
                push @left, $line if $1 != 4;
                next;
            }
            if ($text =~ /^Open file descriptor (\d+): (.*)$/) {
                $skip = $2 eq $vglog;
                push @problems, "valgrind: file descriptor $1 left open ($2)" unless $skip;
                next;
            }
            next if $skip && $text =~ /^\s*<inherited from parent>$/;
            next if $text =~ /^\s*$/;
            $skip = 0;
            push @left, $line;
        }
        push @problems, map { "valgrind: $_" } @left[0 .. ($#left < 40 ? $#left : 40)] if @left;
    }
    if (@problems) {
        push @problems, map { "output: $_" } @out;
    }
    remove_tree($dir);
    return @problems;
}

# The cases' directories live outside /tmp and /var/tmp: fs.private_tmp binds
# other directories over those in the session, which would hide them.
$base = tempdir('corral-pam-test.XXXXXX', DIR => '/var/lib', CLEANUP => 0);
chmod 0755, $base;
my @parsed = map { parse_case($_) } @cases;
if (!@parsed) {
    print "1..1\nnot ok 1 - no cases in tests/cases/pam/*.case (run from the top of the tree)\n";
    exit 1;
}
print '1..', 2 * scalar(@parsed), "\n";
my $n = 0;
for my $valgrind (0, 1) {
    for my $c (@parsed) {
        $n++;
        my $label = ($valgrind ? 'valgrind: ' : '') . "$c->{name}: $c->{what}";
        if ($valgrind && $c->{valgrind_skip}) {
            print "ok $n # skip $c->{name} under valgrind: $c->{valgrind_skip}\n";
            next;
        }
        my @problems = run_case($c, $valgrind);
        print((@problems ? 'not ok' : 'ok'), " $n - $label\n");
        print map { "#   $_\n" } @problems;
    }
}
