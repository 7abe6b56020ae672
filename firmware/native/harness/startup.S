/* Bare-metal start-up for the Cortex-M4 test harness (QEMU mps2-an386). */
  .syntax unified
  .thumb

  .section .vectors, "a", %progbits
  .balign 4
  .global harness_vectors
harness_vectors:
  .word _stack_top
  .word reset_handler
  .word fault_handler   /* NMI */
  .word fault_handler   /* HardFault */
  .word fault_handler   /* MemManage */
  .word fault_handler   /* BusFault */
  .word fault_handler   /* UsageFault */

  .text
  .thumb_func
  .global reset_handler
reset_handler:
  ldr r0, =_bss_start
  ldr r1, =_bss_end
  movs r2, #0
1:
  cmp r0, r1
  bhs 2f
  str r2, [r0], #4
  b 1b
2:
  bl harness_main
  bl harness_exit

  .thumb_func
  .global fault_handler
fault_handler:
  mrs r0, msp
  bl harness_fault

  .section .rodata.blob, "a", %progbits
  .balign 4
  .global blob_image
  .global blob_image_end
blob_image:
  .incbin BLOB_PATH
blob_image_end:
  .balign 4
