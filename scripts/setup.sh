#!/usr/bin/env bash
# Install the Debian packages the kit needs, if any are missing.
# As root (or with password-less sudo) it installs them; otherwise it lists
# exactly what is missing and the command that installs it, and fails.
# Quiet and quick when everything is already there.
set -euo pipefail

packages=(
  qemu-system-misc      # qemu-system-riscv64
  qemu-system-arm       # qemu-system-aarch64
  qemu-system-x86       # qemu-system-x86_64
  opensbi               # fw_jump.bin / fw_dynamic.bin
  u-boot-qemu           # qemu-riscv64_smode/u-boot.bin, qemu_arm64/u-boot.bin
  u-boot-tools          # mkimage
  device-tree-compiler  # fdtput, for the U-Boot boot path
  libcmocka-dev         # unit tests
  python3-kconfiglib    # menuconfig, defconfig, genconfig
  python3-tk            # make guiconfig (tkinter)
  python3               # /usr/bin/python3 for kconfiglib and scripts
  cmake
  ninja-build
  clang
  lld
  llvm                  # llvm-objcopy, llvm-size
  libclang-rt-14-dev    # ASan/UBSan/libFuzzer runtimes for clang
  gcc-riscv64-linux-gnu # static Linux riscv64 programs (tests/linux)
  libc6-dev-riscv64-cross
  qemu-user             # qemu-riscv64: the Linux side of tests/linux
  gdb-multiarch         # make debug
  gdbserver             # make debug of a host image
  clang-format          # make test: the formatting of changed files
)
# The host platform's context switch of the other host CPU, cross-built and
# run under qemu-user (tests/unit/task: task.context-<cpu>); on amd64 the
# aarch64 compiler also builds the aarch64 images' Linux programs (arm64's
# native gcc is aarch64-linux-gnu-gcc already), and the x86-64 one (amd64's
# own gcc) the x86-64 images'.
case "$(dpkg --print-architecture)" in
  amd64) packages+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross
                   gcc libc6-dev) ;; # x86_64-linux-gnu-gcc -static: the x86-64 images' programs
  arm64) packages+=(gcc-x86-64-linux-gnu libc6-dev-amd64-cross) ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "setup: not root and no password-less sudo. Install them with:"
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: installed ${missing[*]}"
