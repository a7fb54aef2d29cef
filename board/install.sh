#!/bin/sh
# install.sh — turns a Raspberry Pi OS Lite (Debian) into a Faro kiosk.
# Run as root on the board, from a checkout of this repository:
#   sudo sh board/install.sh
# It installs the packages, builds and installs faro, creates the faro
# user and data folder, installs the systemd unit, the read-only USB
# automount and the watchdog, and asks for the administrator's PIN.
set -e
cd "$(dirname "$0")/.."
apt-get update -qq
apt-get install -y -qq build-essential pkg-config
make setup                      # the Makefile's own list of Debian packages (DEBS), espeak-ng included
make -j"$(nproc)"
make install PREFIX=/usr/local
id faro >/dev/null 2>&1 || useradd --system --home /var/lib/faro --shell /usr/sbin/nologin faro
install -d -o faro -g faro -m 0700 /var/lib/faro /var/lib/faro/keys
install -d -m 0755 /etc/faro /media/faro /etc/systemd/system.conf.d
[ -f /etc/faro/faro.yaml ] || install -m 0644 board/faro.yaml /etc/faro/faro.yaml
install -m 0644 board/faro.service board/faro-usb-mount@.service /etc/systemd/system/
install -m 0644 board/90-faro-usb.rules /etc/udev/rules.d/
install -m 0644 board/watchdog.conf /etc/systemd/system.conf.d/faro-watchdog.conf
# the SD card is written as little as possible: the journal lives in memory,
# and there is no swap file on the card
install -d -m 0755 /etc/systemd/journald.conf.d
install -m 0644 board/journald.conf /etc/systemd/journald.conf.d/faro.conf
if systemctl list-unit-files dphys-swapfile.service >/dev/null 2>&1; then
    systemctl disable --now dphys-swapfile.service || true
fi
swapoff -a || true
# the console never blanks the screen under the kiosk
for cmdline in /boot/firmware/cmdline.txt /boot/cmdline.txt; do
    if [ -f "$cmdline" ] && ! grep -q consoleblank= "$cmdline"; then
        sed -i '1 s/$/ consoleblank=0/' "$cmdline"
        break
    fi
done
echo "Administrator PIN (4 to 12 digits):"
/usr/local/bin/faro-pack pin set /var/lib/faro
chown -R faro:faro /var/lib/faro
echo "Trust a publisher: copy its minisign key to /var/lib/faro/keys/NAME.pub and"
echo "write 'scope org.example.*' (or 'root') into /var/lib/faro/keys/NAME.scope."
udevadm control --reload
systemctl daemon-reload
systemctl enable --now faro.service
